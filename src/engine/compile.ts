import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import type { CloudTrailRecord } from '../model/event';
import type { LeafCondition } from './conditions';
import { CW_OPERATORS } from './operators';
import { parseSelector, resolveSegments } from '../semantics/selector';
import { isRegexValue } from '../semantics/compare';
import { isLiteral, parseGlob } from '../semantics/glob';

export type Predicate = (record: CloudTrailRecord) => boolean;

type AnyCondition = TopLevelCondition | NestedCondition;

/**
 * The same list membership as `cwIn`, without the per-value glob dispatch: a list of plain strings
 * (no `*`, no regex) is a Set lookup on string values. Anything else keeps the operator itself.
 */
function compileLeaf(leaf: LeafCondition): Predicate {
  const segments = parseSelector(leaf.path ?? '$');
  const op = CW_OPERATORS[leaf.operator];
  if (!op) throw new Error(`unknown operator ${leaf.operator}`);
  const value = leaf.value;
  if (leaf.operator === 'cwIn' && Array.isArray(value) && value.every((v) => typeof v === 'string' && isLiteral(parseGlob(v)))) {
    const set = new Set(value as string[]);
    return (r) => {
      const v = resolveSegments(r, segments);
      return typeof v === 'string' && set.has(v);
    };
  }
  if (leaf.operator === 'cwEquals' && typeof value === 'string' && isLiteral(parseGlob(value))) {
    return (r) => resolveSegments(r, segments) === value;
  }
  if (isRegexValue(value) || typeof value !== 'object' || value === null || Array.isArray(value)) {
    return (r) => op(resolveSegments(r, segments), value);
  }
  throw new Error(`unsupported condition value ${JSON.stringify(value)}`);
}

/**
 * Compile a json-rules-engine condition tree to a plain function with the same verdict: the same
 * operators from operators.ts, the same selector resolution. json-rules-engine is the reference;
 * test/engine/fast-matcher.test.ts holds the two equal on real events and on operator-coverage rules.
 */
export function compileConditions(cond: AnyCondition): Predicate {
  const c = cond as Record<string, unknown>;
  if (Array.isArray(c.all)) {
    const parts = (c.all as AnyCondition[]).map(compileConditions);
    return (r) => {
      for (const p of parts) if (!p(r)) return false;
      return true;
    };
  }
  if (Array.isArray(c.any)) {
    const parts = (c.any as AnyCondition[]).map(compileConditions);
    return (r) => {
      for (const p of parts) if (p(r)) return true;
      return false;
    };
  }
  if (c.not && typeof c.not === 'object') {
    const inner = compileConditions(c.not as AnyCondition);
    return (r) => !inner(r);
  }
  if (typeof c.fact === 'string') {
    if (c.fact !== 'event') throw new Error(`event rules read only the "event" fact, not "${c.fact}"`);
    return compileLeaf(c as unknown as LeafCondition);
  }
  throw new Error('condition is neither all, any, not nor a fact comparison');
}
