import type { TopLevelCondition } from 'json-rules-engine';
import { parseSelector, SelectorError } from '../semantics/selector';
import { type CompareValue, isRegexValue } from '../semantics/compare';
import type { CompareOp, JsonCondition, JsonExpr, PatternValue, SelectorRef } from './ast';

/**
 * Rule conditions (json-rules-engine, cw* operators) and JSON filter patterns say the same
 * thing in two notations; these convert between them so `rules lint` can compare meanings.
 */

export class ConversionError extends Error {
  constructor(
    message: string,
    /** JSON pointer relative to the rule document, e.g. `/conditions/all/2`. */
    readonly pointer: string,
  ) {
    super(message);
    this.name = 'ConversionError';
  }
}

const NONE = { start: 0, end: 0 };

const OPS: Record<string, CompareOp> = {
  cwEquals: '=',
  cwNotEquals: '!=',
  cwLessThan: '<',
  cwGreaterThan: '>',
  cwLessThanOrEqual: '<=',
  cwGreaterThanOrEqual: '>=',
};

function valueOf(v: unknown, pointer: string): PatternValue {
  if (typeof v === 'number' && Number.isFinite(v)) return { kind: 'number', value: v, raw: String(v), span: NONE };
  if (typeof v === 'string') return { kind: 'string', value: v, quoted: true, span: NONE };
  if (isRegexValue(v)) return { kind: 'regex', value: { regex: v.regex }, span: NONE };
  throw new ConversionError(`value ${JSON.stringify(v)} has no filter-pattern form (strings, numbers and {"regex": …} do)`, pointer);
}

function selectorOf(path: unknown, pointer: string): SelectorRef {
  if (typeof path !== 'string') throw new ConversionError('condition has no "path" selector', pointer);
  try {
    return { text: path, segments: parseSelector(path), span: NONE };
  } catch (e) {
    if (e instanceof SelectorError) throw new ConversionError(`selector ${path}: ${e.message}`, `${pointer}/path`);
    throw e;
  }
}

function leaf(c: Record<string, unknown>, pointer: string): JsonExpr {
  if (c.fact !== 'event') throw new ConversionError(`fact must be "event" for an event rule, not ${JSON.stringify(c.fact)}`, `${pointer}/fact`);
  const selector = selectorOf(c.path, pointer);
  const op = String(c.operator);
  if (op in OPS) {
    const value = valueOf(c.value, `${pointer}/value`);
    if (OPS[op] !== '=' && OPS[op] !== '!=' && value.kind !== 'number') {
      throw new ConversionError(`${op} needs a number`, `${pointer}/value`);
    }
    return { type: 'compare', selector, op: OPS[op], value, span: NONE };
  }
  if (op === 'cwIn') {
    if (!Array.isArray(c.value) || c.value.length === 0) throw new ConversionError('cwIn needs a non-empty array', `${pointer}/value`);
    const children: JsonCondition[] = c.value.map((v, i) => ({
      type: 'compare',
      selector,
      op: '=',
      value: valueOf(v, `${pointer}/value/${i}`),
      span: NONE,
    }));
    return children.length === 1 ? children[0] : { type: 'or', children, span: NONE };
  }
  if (op === 'cwIsNull' || op === 'cwIsTrue' || op === 'cwIsFalse') {
    const test = op === 'cwIsNull' ? 'NULL' : op === 'cwIsTrue' ? 'TRUE' : 'FALSE';
    return { type: 'is', selector, test, span: NONE };
  }
  if (op === 'cwNotExists') return { type: 'not-exists', selector, span: NONE };
  throw new ConversionError(`operator ${op} has no filter-pattern form`, `${pointer}/operator`);
}

function convert(c: unknown, pointer: string): JsonExpr {
  if (!c || typeof c !== 'object') throw new ConversionError('condition must be an object', pointer);
  const o = c as Record<string, unknown>;
  for (const kind of ['all', 'any'] as const) {
    if (!(kind in o)) continue;
    const list = o[kind];
    if (!Array.isArray(list) || list.length === 0) throw new ConversionError(`"${kind}" needs a non-empty array`, `${pointer}/${kind}`);
    const children = list.map((x, i) => convert(x, `${pointer}/${kind}/${i}`));
    if (children.length === 1) return children[0];
    return { type: kind === 'all' ? 'and' : 'or', children, span: NONE };
  }
  if ('not' in o) throw new ConversionError('"not" has no filter-pattern form (use cwNotEquals / cwNotExists)', `${pointer}/not`);
  return leaf(o, pointer);
}

/** The JSON filter pattern expression equivalent to a rule's conditions. */
export function conditionsToExpr(conditions: TopLevelCondition, pointer = '/conditions'): JsonExpr {
  return convert(conditions, pointer);
}

function valueToCondition(v: PatternValue): CompareValue {
  return v.value;
}

type Compare = Extract<JsonCondition, { type: 'compare' }>;

/**
 * The equality tests of an `or` of plain strings on one selector, else undefined: what a rule
 * writes as one `cwIn` (the engine's list-membership fast path). Wildcards, numbers and regexes
 * stay separate `cwEquals` leaves, as rules write them.
 */
function plainList(x: JsonExpr): Compare[] | undefined {
  if (x.type !== 'or') return undefined;
  const tests = x.children.filter((c): c is Compare => c.type === 'compare' && c.op === '=' && c.value.kind === 'string' && !c.value.value.includes('*'));
  const text = tests[0]?.selector.text;
  return tests.length === x.children.length && tests.every((c) => c.selector.text === text) ? tests : undefined;
}

/**
 * The other way: a JSON pattern's expression as rule conditions, in the form rules are written
 * (an `or` of equalities on one field is one `cwIn`): the loader derives an event rule's
 * conditions from its filter pattern with this.
 */
export function exprToConditions(e: JsonExpr): TopLevelCondition {
  const go = (x: JsonExpr): Record<string, unknown> => {
    const list = plainList(x);
    if (list) return { fact: 'event', path: list[0].selector.text, operator: 'cwIn', value: list.map((c) => valueToCondition(c.value)) };
    switch (x.type) {
      case 'and':
        return { all: x.children.map(go) };
      case 'or':
        return { any: x.children.map(go) };
      case 'compare': {
        const operator = Object.keys(OPS).find((k) => OPS[k] === x.op)!;
        return { fact: 'event', path: x.selector.text, operator, value: valueToCondition(x.value) };
      }
      case 'is':
        return { fact: 'event', path: x.selector.text, operator: x.test === 'NULL' ? 'cwIsNull' : x.test === 'TRUE' ? 'cwIsTrue' : 'cwIsFalse', value: true };
      case 'not-exists':
        return { fact: 'event', path: x.selector.text, operator: 'cwNotExists', value: true };
    }
  };
  const top = go(e);
  if ('all' in top || 'any' in top) return top as unknown as TopLevelCondition;
  // A top-level cwIn came from an `or`: kept an `any` so the rule reads as the pattern does.
  return (plainList(e) ? { any: [top] } : { all: [top] }) as unknown as TopLevelCondition;
}
