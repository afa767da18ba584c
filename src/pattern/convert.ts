import type { TopLevelCondition } from 'json-rules-engine';
import type { CompareValue, ConditionNode, LeafCondition } from '../model/condition';
import { unhandledCondition } from '../model/condition';
import { writeCondition } from '../semantics/condition-json';
import { isRegexValue } from '../semantics/compare';
import { parseSelector } from '../semantics/selector';
import type { CompareOp, JsonCondition, JsonExpr, PatternValue, SelectorRef } from './ast';

/**
 * Rule conditions (the condition IR of their cw* operators) and JSON filter patterns say the
 * same thing in two notations; these convert between them so `rules lint` can compare meanings.
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

function valueOf(v: CompareValue): PatternValue {
  if (typeof v === 'number') return { kind: 'number', value: v, raw: String(v), span: NONE };
  if (typeof v === 'string') return { kind: 'string', value: v, quoted: true, span: NONE };
  return { kind: 'regex', value: { regex: v.regex }, span: NONE };
}

function selectorOf(path: string): SelectorRef {
  return { text: path, segments: parseSelector(path), span: NONE };
}

function eventSelector(leaf: Exclude<LeafCondition, { kind: 'opaque' }>): SelectorRef {
  if (leaf.fact !== 'event') throw new ConversionError(`fact must be "event" for an event rule, not ${JSON.stringify(leaf.fact)}`, `${leaf.pointer}/fact`);
  return selectorOf(leaf.path);
}

function convert(c: ConditionNode): JsonExpr {
  switch (c.kind) {
    case 'all':
    case 'any': {
      if (c.children.length === 0) throw new ConversionError(`"${c.kind}" needs a non-empty array`, `${c.pointer}/${c.kind}`);
      const children = c.children.map(convert);
      if (children.length === 1) return children[0];
      return { type: c.kind === 'all' ? 'and' : 'or', children, span: NONE };
    }
    case 'not':
      throw new ConversionError('"not" has no filter-pattern form (use cwNotEquals / cwNotExists)', `${c.pointer}/not`);
    case 'equals':
    case 'not-equals':
      return { type: 'compare', selector: eventSelector(c), op: c.kind === 'equals' ? '=' : '!=', value: valueOf(c.value), span: NONE };
    case 'numeric':
      return { type: 'compare', selector: eventSelector(c), op: c.op, value: valueOf(c.value), span: NONE };
    case 'in': {
      const selector = eventSelector(c);
      const children: JsonCondition[] = c.values.map((v) => ({ type: 'compare', selector, op: '=', value: valueOf(v), span: NONE }));
      return children.length === 1 ? children[0] : { type: 'or', children, span: NONE };
    }
    case 'is':
      return { type: 'is', selector: eventSelector(c), test: c.test, span: NONE };
    case 'not-exists':
      return { type: 'not-exists', selector: eventSelector(c), span: NONE };
    case 'opaque':
      throw new ConversionError(`operator ${c.operator} has no filter-pattern form`, `${c.pointer}/operator`);
    default:
      return unhandledCondition(c);
  }
}

/** The JSON filter pattern expression equivalent to a rule's conditions. */
export function conditionsToExpr(conditions: ConditionNode): JsonExpr {
  return convert(conditions);
}

/**
 * The JSON filter pattern expression as the condition IR, in the form rules are written: an `or`
 * of plain-string equalities on one selector is one `in` node (`cwIn`, the engine's
 * list-membership fast path); wildcards, numbers and regexes stay separate `equals` leaves.
 * `pointer` is where the node would sit in a rule file.
 */
function exprToCondition(e: JsonExpr, pointer = '/conditions'): ConditionNode {
  const leaf = { pointer, fact: 'event' };
  const list = plainList(e);
  if (list) return { kind: 'in', ...leaf, path: list[0].selector.text, values: list.map((c) => c.value.value as string) };
  switch (e.type) {
    case 'and':
    case 'or': {
      const kind = e.type === 'and' ? 'all' : 'any';
      return { kind, pointer, children: e.children.map((x, i) => exprToCondition(x, `${pointer}/${kind}/${i}`)) };
    }
    case 'compare': {
      const path = e.selector.text;
      const value: CompareValue = isRegexValue(e.value.value) ? { regex: e.value.value.regex } : e.value.value;
      if (e.op === '=') return { kind: 'equals', ...leaf, path, value };
      if (e.op === '!=') return { kind: 'not-equals', ...leaf, path, value };
      return { kind: 'numeric', ...leaf, path, op: e.op, value: value as number };
    }
    case 'is':
      return { kind: 'is', ...leaf, path: e.selector.text, test: e.test };
    case 'not-exists':
      return { kind: 'not-exists', ...leaf, path: e.selector.text };
  }
}

type Compare = Extract<JsonCondition, { type: 'compare' }>;

function plainList(x: JsonExpr): Compare[] | undefined {
  if (x.type !== 'or') return undefined;
  const tests = x.children.filter((c): c is Compare => c.type === 'compare' && c.op === '=' && c.value.kind === 'string' && !c.value.value.includes('*'));
  const text = tests[0]?.selector.text;
  return tests.length === x.children.length && tests.every((c) => c.selector.text === text) ? tests : undefined;
}

/**
 * The other way: a JSON pattern's expression as rule conditions (the loader derives an event
 * rule's conditions from its filter pattern with this). A top-level leaf is wrapped: an `in`
 * came from an `or`, so it reads as an `any`, as the pattern does.
 */
export function exprToConditions(e: JsonExpr): TopLevelCondition {
  const top = exprToCondition(e);
  const wrapped: ConditionNode = top.kind === 'all' || top.kind === 'any' ? top : { kind: top.kind === 'in' ? 'any' : 'all', pointer: '/conditions', children: [top] };
  return writeCondition(wrapped) as unknown as TopLevelCondition;
}
