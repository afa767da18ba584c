import type { TopLevelCondition } from 'json-rules-engine';
import type { CompareValue, ConditionNode, LeafCondition, NumericOp } from '../model/condition';
import { unhandledCondition } from '../model/condition';
import { isRegexValue } from './compare';
import { parseSelector, SelectorError } from './selector';

/**
 * Between a rule's conditions as written (json-rules-engine notation) and the condition IR
 * (src/model/condition.ts): `readCondition` checks and converts once, so no visitor has to guess
 * at an untyped object, and `writeCondition` gives the notation back. The table of `cw*` operators
 * below is the only place that maps operator names to meanings.
 */

/** A condition node that cannot be read: the message names the file and the JSON pointer. */
export class ConditionError extends Error {
  constructor(
    readonly file: string,
    /** JSON pointer into the rule file, e.g. `/conditions/all/2/value`. */
    readonly pointer: string,
    /** The problem itself, without the place. */
    readonly detail: string,
  ) {
    super(`${file} at ${pointer}: ${detail}`);
    this.name = 'ConditionError';
  }
}

type CwLeaf =
  | { kind: 'equals' | 'not-equals' | 'in' | 'not-exists' }
  | { kind: 'numeric'; op: NumericOp }
  | { kind: 'is'; test: 'NULL' | 'TRUE' | 'FALSE' };

const CW_OPERATORS: Record<string, CwLeaf> = {
  cwEquals: { kind: 'equals' },
  cwNotEquals: { kind: 'not-equals' },
  cwIn: { kind: 'in' },
  cwLessThan: { kind: 'numeric', op: '<' },
  cwGreaterThan: { kind: 'numeric', op: '>' },
  cwLessThanOrEqual: { kind: 'numeric', op: '<=' },
  cwGreaterThanOrEqual: { kind: 'numeric', op: '>=' },
  cwIsNull: { kind: 'is', test: 'NULL' },
  cwIsTrue: { kind: 'is', test: 'TRUE' },
  cwIsFalse: { kind: 'is', test: 'FALSE' },
  cwNotExists: { kind: 'not-exists' },
};

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

class Reader {
  constructor(private readonly file: string) {}

  fail(pointer: string, detail: string): never {
    throw new ConditionError(this.file, pointer, detail);
  }

  node(raw: unknown, at: string): ConditionNode {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) this.fail(at, 'a condition must be an object');
    const o = raw as Record<string, unknown>;
    const forms = ['all', 'any', 'not', 'fact'].filter((k) => hasOwn(o, k));
    if (forms.length > 1) this.fail(at, `a condition is one of all, any, not or a fact comparison; this one has ${forms.join(' and ')}`);
    if (hasOwn(o, 'all') || hasOwn(o, 'any')) {
      const kind = hasOwn(o, 'all') ? 'all' : 'any';
      const list = o[kind];
      if (!Array.isArray(list)) this.fail(`${at}/${kind}`, `"${kind}" must be an array of conditions`);
      return { kind, pointer: at, children: list.map((c, i) => this.node(c, `${at}/${kind}/${i}`)) };
    }
    if (hasOwn(o, 'not')) return { kind: 'not', pointer: at, child: this.node(o.not, `${at}/not`) };
    if (hasOwn(o, 'fact')) return this.leaf(o, at);
    return this.fail(at, 'a condition is all, any, not or a fact comparison ({fact, path, operator, value})');
  }

  private leaf(o: Record<string, unknown>, at: string): LeafCondition {
    const { fact, operator, path } = o;
    if (typeof fact !== 'string') this.fail(`${at}/fact`, '"fact" must be a string');
    if (typeof operator !== 'string') this.fail(`${at}/operator`, '"operator" must be a string');
    if (path !== undefined && typeof path !== 'string') this.fail(`${at}/path`, '"path" must be a string selector');
    const cw = hasOwn(CW_OPERATORS, operator) ? CW_OPERATORS[operator] : undefined;
    if (!cw) return { kind: 'opaque', pointer: at, fact, operator, value: o.value, ...(path === undefined ? {} : { path }) };
    if (path === undefined) this.fail(at, 'condition has no "path" selector');
    try {
      parseSelector(path);
    } catch (e) {
      if (e instanceof SelectorError) this.fail(`${at}/path`, `selector ${path}: ${e.message}`);
      throw e;
    }
    const base = { pointer: at, fact, path };
    const value = o.value;
    switch (cw.kind) {
      case 'equals':
      case 'not-equals':
        return { kind: cw.kind, ...base, value: this.compareValue(value, `${at}/value`) };
      case 'in':
        if (!Array.isArray(value) || value.length === 0) this.fail(`${at}/value`, 'cwIn needs a non-empty array');
        return { kind: 'in', ...base, values: value.map((v, i) => this.compareValue(v, `${at}/value/${i}`)) };
      case 'numeric':
        if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${at}/value`, `${operator} needs a number`);
        return { kind: 'numeric', ...base, op: cw.op, value };
      case 'is':
      case 'not-exists':
        // json-rules-engine passes the value to the operator, which ignores it; anything but
        // `true` would read as the opposite test ("cwNotExists": false), so it is refused.
        if (value !== true) this.fail(`${at}/value`, `${operator} takes "value": true (the test has no operand)`);
        return cw.kind === 'is' ? { kind: 'is', ...base, test: cw.test } : { kind: 'not-exists', ...base };
      default:
        return unhandledLeaf(cw);
    }
  }

  private compareValue(v: unknown, at: string): CompareValue {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string') return v;
    if (isRegexValue(v) && Object.keys(v).length === 1) {
      try {
        new RegExp(v.regex);
      } catch (e) {
        this.fail(at, `invalid regex ${JSON.stringify(v)}: ${(e as Error).message}`);
      }
      return { regex: v.regex };
    }
    return this.fail(at, `value ${JSON.stringify(v)} has no filter-pattern form (strings, numbers and {"regex": …} do)`);
  }
}

function unhandledLeaf(cw: never): never {
  throw new Error(`operator table entry ${JSON.stringify(cw)} has no reader`);
}

/**
 * A rule's raw conditions as the IR. `file` names the rule file in errors; `pointer` is where the
 * conditions sit in it.
 */
export function readCondition(raw: unknown, file: string, pointer = '/conditions'): ConditionNode {
  return new Reader(file).node(raw, pointer);
}

const read = new WeakMap<object, ConditionNode>();

/**
 * readCondition, once per conditions object: the matcher, the requirements and the translations
 * of one rule all ask for it, and a resource rule is judged once per resource.
 */
export function readConditionOnce(raw: unknown, file: string, pointer = '/conditions'): ConditionNode {
  if (!raw || typeof raw !== 'object') return readCondition(raw, file, pointer);
  let node = read.get(raw);
  if (!node) read.set(raw, (node = readCondition(raw, file, pointer)));
  return node;
}

/** The IR of a rule's conditions; errors name its file (or its id when it has none). */
export function ruleCondition(rule: { id: string; conditions: TopLevelCondition; sourcePath?: string }): ConditionNode {
  return readConditionOnce(rule.conditions, rule.sourcePath ?? `rule ${rule.id}`);
}

/** What distinguishes one cw* operator from another, as one string, for the way back. */
function meaningKey(x: { kind: string; op?: string; test?: string }): string {
  return `${x.kind} ${x.op ?? x.test ?? ''}`;
}

const OPERATOR_OF = new Map(Object.entries(CW_OPERATORS).map(([name, cw]) => [meaningKey(cw), name]));

function operatorName(leaf: Exclude<LeafCondition, { kind: 'opaque' }>): string {
  return OPERATOR_OF.get(meaningKey(leaf))!;
}

/** The IR back in json-rules-engine notation (what json-rules-engine and the rule files read). */
export function writeCondition(node: ConditionNode): Record<string, unknown> {
  switch (node.kind) {
    case 'all':
      return { all: node.children.map(writeCondition) };
    case 'any':
      return { any: node.children.map(writeCondition) };
    case 'not':
      return { not: writeCondition(node.child) };
    case 'equals':
    case 'not-equals':
    case 'numeric':
      return { fact: node.fact, path: node.path, operator: operatorName(node), value: node.value };
    case 'in':
      return { fact: node.fact, path: node.path, operator: operatorName(node), value: [...node.values] };
    case 'is':
    case 'not-exists':
      return { fact: node.fact, path: node.path, operator: operatorName(node), value: true };
    case 'opaque':
      return { fact: node.fact, ...(node.path === undefined ? {} : { path: node.path }), operator: node.operator, value: node.value };
    default:
      return unhandledCondition(node);
  }
}
