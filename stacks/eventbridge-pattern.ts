import { type CompareValue, type ConditionNode, type LeafCondition, unhandledCondition } from '../src/model/condition';
import { isRegexValue } from '../src/semantics/compare';
import { type Glob, isLiteral, isLoneStar, parseGlob, prefixOf, suffixOf } from '../src/semantics/glob';

/**
 * Turns an event rule's conditions into an EventBridge event pattern for CloudTrail events, for
 * near-real-time notification. EventBridge cannot say everything a CloudWatch filter can (regexes,
 * array indexes, two different tests on one field); such rules are reported as untranslatable
 * rather than approximated, because an approximate pattern would alert on the wrong events.
 */

type Matcher = string | number | boolean | null | Record<string, unknown>;
type Pattern = { [key: string]: Matcher[] | Pattern | Pattern[] };

export class UntranslatableRule extends Error {}

const CLOUDTRAIL_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'];

function globMatcher(glob: Glob): Matcher {
  if (isLoneStar(glob)) return { exists: true };
  if (isLiteral(glob)) return glob.text;
  const prefix = prefixOf(glob);
  if (prefix !== undefined) return { prefix };
  const suffix = suffixOf(glob);
  if (suffix !== undefined) return { suffix };
  return { wildcard: glob.text };
}

function valueMatchers(values: readonly CompareValue[], negate: boolean): Matcher[] {
  const out: Matcher[] = [];
  for (const v of values) {
    if (isRegexValue(v)) throw new UntranslatableRule(`regex value ${JSON.stringify(v)} has no EventBridge equivalent`);
    if (typeof v === 'number') out.push(negate ? { 'anything-but': v } : v);
    else {
      const glob = parseGlob(v);
      const m = globMatcher(glob);
      if (!negate) out.push(m);
      else if (isLoneStar(glob)) throw new UntranslatableRule('"!= *" has no EventBridge equivalent');
      else out.push({ 'anything-but': m });
    }
  }
  return out;
}

const IS_MATCHER = { NULL: null, TRUE: true, FALSE: false } as const;

function leafMatchers(leaf: Exclude<LeafCondition, { kind: 'opaque' }>): Matcher[] {
  switch (leaf.kind) {
    case 'equals':
      return valueMatchers([leaf.value], false);
    case 'in':
      return valueMatchers(leaf.values, false);
    case 'not-equals':
      return valueMatchers([leaf.value], true);
    case 'numeric':
      return [{ numeric: [leaf.op, leaf.value] }];
    case 'is':
      return [IS_MATCHER[leaf.test]];
    case 'not-exists':
      return [{ exists: false }];
    default:
      return unhandledCondition(leaf);
  }
}

function pathSegments(path: string): string[] {
  if (!path.startsWith('$.') || /\[/.test(path)) throw new UntranslatableRule(`selector ${path} (EventBridge has no array indexes)`);
  return path.slice(2).split('.');
}

function nest(segments: string[], matchers: Matcher[]): Pattern {
  const [head, ...rest] = segments;
  return { [head]: rest.length === 0 ? matchers : nest(rest, matchers) };
}

/** The path and matchers of a single-field pattern, or undefined if it tests several fields. */
function singleField(p: Pattern): { path: string[]; matchers: Matcher[] } | undefined {
  const keys = Object.keys(p);
  if (keys.length !== 1 || keys[0] === '$or') return undefined;
  const v = p[keys[0]];
  if (Array.isArray(v)) return { path: [keys[0]], matchers: v as Matcher[] };
  const inner = singleField(v as Pattern);
  return inner && { path: [keys[0], ...inner.path], matchers: inner.matchers };
}

function isAnythingBut(m: Matcher): m is { 'anything-but': unknown } {
  return typeof m === 'object' && m !== null && 'anything-but' in m;
}

function merge(a: Pattern, b: Pattern): Pattern {
  const out: Pattern = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prior = out[k];
    if (prior === undefined) out[k] = v;
    else if (k === '$or') throw new UntranslatableRule('two independent OR groups at one level');
    else if (Array.isArray(prior) && Array.isArray(v)) {
      // Two "not equal" tests on one field are one anything-but list; any other pair is an AND EventBridge cannot express.
      const all = [...prior, ...v] as Matcher[];
      if (!all.every((m) => isAnythingBut(m) && typeof m['anything-but'] !== 'object')) throw new UntranslatableRule(`two tests on field ${k}`);
      out[k] = [{ 'anything-but': all.map((m) => (m as { 'anything-but': unknown })['anything-but']) }];
    } else if (!Array.isArray(prior) && !Array.isArray(v)) out[k] = merge(prior as Pattern, v as Pattern);
    else throw new UntranslatableRule(`field ${k} tested both as a value and as an object`);
  }
  return out;
}

function translate(c: ConditionNode): Pattern {
  switch (c.kind) {
    case 'all':
      return c.children.map(translate).reduce(merge, {} as Pattern);
    case 'any': {
      const parts = c.children.map(translate);
      if (parts.length === 1) return parts[0];
      const fields = parts.map(singleField);
      const first = fields[0];
      if (first && fields.every((f) => f && f.path.join('.') === first.path.join('.'))) {
        return nest(first.path, fields.flatMap((f) => f!.matchers));
      }
      return { $or: parts };
    }
    case 'not':
      throw new UntranslatableRule('"not" conditions');
    case 'opaque':
      throw new UntranslatableRule(`operator ${c.operator}`);
    case 'equals':
    case 'not-equals':
    case 'in':
    case 'numeric':
    case 'is':
    case 'not-exists':
      return nest(pathSegments(c.path), leafMatchers(c));
    default:
      return unhandledCondition(c);
  }
}

/** The EventBridge pattern for a rule's conditions; throws UntranslatableRule naming what cannot be expressed. */
export function eventPatternFor(conditions: ConditionNode): Record<string, unknown> {
  return { 'detail-type': CLOUDTRAIL_DETAIL_TYPES, detail: translate(conditions) };
}
