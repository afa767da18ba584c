import { type ConditionFold, type ConditionNode, foldCondition, type LeafCondition } from '../model/condition';
import { isRegexValue } from '../semantics/compare';
import { type Glob, isLiteral, isLoneStar, parseGlob } from '../semantics/glob';
import { parseSelector } from '../semantics/selector';

/**
 * What any matching record must contain, derived from a rule's conditions so the fast path can
 * skip records without evaluating (or even parsing) them. Both functions are conservative: a
 * `null` answer means "no requirement found, always evaluate". Never wrong in the other direction,
 * which test/engine/fast-matcher.test.ts (on real events) and text-screen.test.ts (generated files)
 * check.
 */

/**
 * The eventName values a match must have: exact names, and `*` globs (cwEquals semantics, see
 * semantics/glob.ts) for rules such as `AddPermission*` that pin a family of API versions. null
 * when the rule does not pin eventName (or pins it only with a lone `*`, which also matches numbers).
 */
export interface EventNameRequirement {
  names: Set<string>;
  globs: Set<string>;
}

function rank(r: EventNameRequirement): number {
  return r.globs.size * 1e6 + r.names.size;
}

/** The values an `=`-like leaf on `$.eventName` allows, or null for any other leaf. */
function eventNameValues(leaf: LeafCondition): EventNameRequirement | null {
  if (leaf.kind !== 'equals' && leaf.kind !== 'in') return null;
  if (leaf.path !== '$.eventName') return null;
  const values = leaf.kind === 'in' ? leaf.values : [leaf.value];
  if (!values.every((v) => typeof v === 'string' && !isLoneStar(parseGlob(v)))) return null;
  const out: EventNameRequirement = { names: new Set(), globs: new Set() };
  for (const v of values as string[]) (isLiteral(parseGlob(v)) ? out.names : out.globs).add(v);
  return out;
}

const EVENT_NAMES: ConditionFold<EventNameRequirement | null> = {
  all: (_n, parts) => {
    let best: EventNameRequirement | null = null;
    // Exact names beat globs (a Map lookup instead of a test per glob); then fewer values.
    for (const s of parts) if (s && (!best || rank(s) < rank(best))) best = s;
    return best;
  },
  any: (_n, parts) => {
    const union: EventNameRequirement = { names: new Set(), globs: new Set() };
    for (const s of parts) {
      if (!s) return null;
      for (const v of s.names) union.names.add(v);
      for (const v of s.globs) union.globs.add(v);
    }
    return union;
  },
  // Under a negation a pinned name is one a match must not have.
  not: () => null,
  equals: eventNameValues,
  'not-equals': () => null,
  in: eventNameValues,
  numeric: () => null,
  is: () => null,
  'not-exists': () => null,
  opaque: () => null,
};

export function requiredEventNamePatterns(cond: ConditionNode): EventNameRequirement | null {
  return foldCondition(cond, EVENT_NAMES);
}

/** The exact eventName values a match must have, or null when the rule does not pin them exactly. */
export function requiredEventNames(cond: ConditionNode): Set<string> | null {
  const r = requiredEventNamePatterns(cond);
  return r && r.globs.size === 0 ? r.names : null;
}

function lastName(path: string): string | null {
  const segs = parseSelector(path);
  for (let i = segs.length - 1; i >= 0; i--) if (typeof segs[i] === 'string') return segs[i] as string;
  return null;
}

/** The longest literal run of a `*` glob as it must appear in JSON text, quote anchors included. */
function globToken(glob: Glob): string | null {
  const parts = glob.parts.map((p) => JSON.stringify(p).slice(1, -1));
  parts[0] = `"${parts[0]}`;
  parts[parts.length - 1] = `${parts[parts.length - 1]}"`;
  let best = '';
  for (const p of parts) if (p.length > best.length) best = p;
  return best.length > 1 ? best : null;
}

interface TokenRequirement {
  tokens: string[];
  /** Only key names: present in most records, so a poor filter; any value token beats it. */
  weak: boolean;
}

/** Every comparison but NOT EXISTS is false on a missing field, so the key must be in the text. */
function keyToken(leaf: Exclude<LeafCondition, { kind: 'opaque' }>): TokenRequirement | null {
  const key = lastName(leaf.path);
  return key ? { tokens: [JSON.stringify(key)], weak: true } : null;
}

function valueTokens(leaf: Extract<LeafCondition, { kind: 'equals' | 'in' }>): TokenRequirement | null {
  const values = leaf.kind === 'in' ? leaf.values : [leaf.value];
  const out: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || isRegexValue(v)) return keyToken(leaf);
    const g = parseGlob(v);
    const t = isLiteral(g) ? JSON.stringify(v) : globToken(g);
    if (!t) return keyToken(leaf);
    out.push(t);
  }
  return { tokens: out, weak: false };
}

const TOKENS: ConditionFold<TokenRequirement | null> = {
  all: (_n, parts) => {
    let best: TokenRequirement | null = null;
    let bestScore = -1;
    for (const t of parts) {
      if (!t) continue;
      // Value tokens first; then fewer alternatives and longer tokens reject more records.
      const score = (t.weak ? 0 : 1e6) + Math.min(...t.tokens.map((s) => s.length)) / t.tokens.length;
      if (score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    return best;
  },
  any: (_n, parts) => {
    const out: string[] = [];
    let weak = false;
    for (const t of parts) {
      if (!t) return null;
      out.push(...t.tokens);
      weak ||= t.weak;
    }
    return { tokens: [...new Set(out)], weak };
  },
  // What a negated test needs is absent text: nothing to search for.
  not: () => null,
  equals: valueTokens,
  in: valueTokens,
  'not-equals': keyToken,
  numeric: keyToken,
  is: keyToken,
  'not-exists': () => null,
  opaque: () => null,
};

/**
 * Substrings of which at least one must occur in the raw JSON text of a matching record (provided
 * the text uses no `\u` or `\/` escapes, which callers check). null: no such list.
 */
export function requiredTokens(cond: ConditionNode): string[] | null {
  return foldCondition(cond, TOKENS)?.tokens ?? null;
}
