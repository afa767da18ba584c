import type { CloudTrailRecord } from '../model/event';
import { type ConditionFold, type ConditionNode, foldCondition, type LeafCondition } from '../model/condition';
import { cwEquals, cwIsFalse, cwIsNull, cwIsTrue, cwNotEquals, cwNotExists, cwNumeric } from '../semantics/compare';
import { isLiteral, parseGlob } from '../semantics/glob';
import { parseSelector, resolveSegments, type Segment } from '../semantics/selector';

export type Predicate = (record: CloudTrailRecord) => boolean;

/** The selector of the field a leaf reads; only the `event` fact exists here. */
function selectorOf(leaf: Exclude<LeafCondition, { kind: 'opaque' }>): readonly Segment[] {
  if (leaf.fact !== 'event') throw new Error(`event rules read only the "event" fact, not "${leaf.fact}" (${leaf.pointer})`);
  return parseSelector(leaf.path);
}

const plainString = (v: unknown): v is string => typeof v === 'string' && isLiteral(parseGlob(v));

/**
 * Each leaf calls the comparison of src/semantics/compare.ts that its cw* operator calls in
 * json-rules-engine (engine/operators.ts). A list of plain strings (no `*`, no regex) is a Set
 * lookup on string values and a plain string an equality, without the per-value glob dispatch.
 */
const COMPILE: ConditionFold<Predicate> = {
  all: (_n, parts) => (r) => {
    for (const p of parts) if (!p(r)) return false;
    return true;
  },
  any: (_n, parts) => (r) => {
    for (const p of parts) if (p(r)) return true;
    return false;
  },
  not: (_n, inner) => (r) => !inner(r),
  equals: (leaf) => {
    const path = selectorOf(leaf);
    const value = leaf.value;
    if (plainString(value)) return (r) => resolveSegments(r, path) === value;
    return (r) => cwEquals(resolveSegments(r, path), value);
  },
  'not-equals': (leaf) => {
    const path = selectorOf(leaf);
    return (r) => cwNotEquals(resolveSegments(r, path), leaf.value);
  },
  in: (leaf) => {
    const path = selectorOf(leaf);
    const values = leaf.values;
    if (values.every(plainString)) {
      const set = new Set(values as string[]);
      return (r) => {
        const v = resolveSegments(r, path);
        return typeof v === 'string' && set.has(v);
      };
    }
    return (r) => {
      const v = resolveSegments(r, path);
      return values.some((x) => cwEquals(v, x));
    };
  },
  numeric: (leaf) => {
    const path = selectorOf(leaf);
    return (r) => cwNumeric(resolveSegments(r, path), leaf.op, leaf.value);
  },
  is: (leaf) => {
    const path = selectorOf(leaf);
    const test = leaf.test === 'NULL' ? cwIsNull : leaf.test === 'TRUE' ? cwIsTrue : cwIsFalse;
    return (r) => test(resolveSegments(r, path));
  },
  'not-exists': (leaf) => {
    const path = selectorOf(leaf);
    return (r) => cwNotExists(resolveSegments(r, path));
  },
  opaque: (leaf) => {
    throw new Error(`event rules use only the cw* operators, not "${leaf.operator}" (${leaf.pointer})`);
  },
};

/**
 * Compile a rule's condition IR to a plain function with the same verdict as json-rules-engine
 * running its conditions: the same comparisons, the same selector resolution. json-rules-engine
 * is the reference; test/engine/fast-matcher.test.ts holds the two equal on real events and on
 * operator-coverage rules, test/semantics/condition-visitors.test.ts on every node kind.
 */
export function compileConditions(cond: ConditionNode): Predicate {
  return foldCondition(cond, COMPILE);
}
