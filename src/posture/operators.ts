import type { Engine } from 'json-rules-engine';
import { isObj } from '../util/values';

/**
 * Posture rules quantify over lists (the trails of an account, the flow logs of a VPC). The
 * json-rules-engine operators below take an item predicate as data:
 *   { "$.isMultiRegion": true, "$.kmsKeyId": { "notEqual": null }, "$.trafficType": { "in": ["ALL", "REJECT"] } }
 * A key is a selector into the item; a literal value means equality. Items are judged in three
 * values: a selector that resolves to `undefined` makes the item "unknown", never a match, so a
 * list of unknown items can fail the operator but never pass it (the evaluator then reports the
 * result as manual/error, not fail).
 */
export type Tri = true | false | 'unknown';

export type ItemPredicate = Record<string, unknown>;

export interface Resolved {
  value: unknown;
  /** true when the value is not known (as opposed to known absent). */
  unknown: boolean;
}

/**
 * Resolve `$.a.b[0]` on a fact: a null on the way means "known absent" (a trail without a KMS
 * key has no key rotation either); an undefined on the way means unknown.
 */
export function resolveKnown(root: unknown, selector: string): Resolved {
  const parts = selector.replace(/^\$\.?/, '').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  let cur: unknown = root;
  for (const p of parts) {
    if (cur === undefined) return { value: undefined, unknown: true };
    if (cur === null || typeof cur !== 'object') return { value: undefined, unknown: false };
    cur = Array.isArray(cur) ? (/^\d+$/.test(p) ? cur[Number(p)] : undefined) : (cur as Record<string, unknown>)[p];
  }
  return { value: cur, unknown: cur === undefined };
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const TESTS: Record<string, (actual: unknown, expected: unknown) => boolean> = {
  equal: (a, e) => deepEqual(a, e),
  notEqual: (a, e) => !deepEqual(a, e),
  in: (a, e) => Array.isArray(e) && e.some((x) => deepEqual(a, x)),
  notIn: (a, e) => Array.isArray(e) && !e.some((x) => deepEqual(a, x)),
  greaterThanInclusive: (a, e) => typeof a === 'number' && typeof e === 'number' && a >= e,
  lessThanInclusive: (a, e) => typeof a === 'number' && typeof e === 'number' && a <= e,
  contains: (a, e) => Array.isArray(a) && a.some((x) => deepEqual(x, e)),
};

function isTest(v: unknown): v is Record<string, unknown> {
  return isObj(v) && Object.keys(v).length === 1 && Object.keys(v)[0] in TESTS;
}

/** Judge one item: which keys hold, which fail, which are unknown. */
export function judgeItem(item: unknown, pred: ItemPredicate): { result: Tri; failed: string[]; unknown: string[] } {
  const failed: string[] = [];
  const unknown: string[] = [];
  for (const [sel, expected] of Object.entries(pred)) {
    const r = resolveKnown(item, sel);
    if (r.unknown) {
      unknown.push(sel);
      continue;
    }
    const ok = isTest(expected) ? TESTS[Object.keys(expected)[0]](r.value, Object.values(expected)[0]) : deepEqual(r.value, expected);
    if (!ok) failed.push(sel);
  }
  return { result: failed.length > 0 ? false : unknown.length > 0 ? 'unknown' : true, failed, unknown };
}

export const LIST_OPERATORS = ['anyMatches', 'allMatch', 'noneMatch'] as const;
export type ListOperator = (typeof LIST_OPERATORS)[number];

export function listOperator(op: ListOperator, list: unknown, pred: ItemPredicate): boolean {
  if (!Array.isArray(list)) return false;
  const results = list.map((item) => judgeItem(item, pred).result);
  switch (op) {
    case 'anyMatches':
      return results.some((r) => r === true);
    case 'allMatch':
      return results.every((r) => r === true);
    case 'noneMatch':
      return results.every((r) => r === false);
  }
}

export function addPostureOperators(engine: Engine): void {
  for (const op of LIST_OPERATORS) {
    engine.addOperator(op, (fact: unknown, value: unknown) => listOperator(op, fact, (value ?? {}) as ItemPredicate));
  }
  engine.addOperator('isEmpty', (fact: unknown) => Array.isArray(fact) && fact.length === 0);
}
