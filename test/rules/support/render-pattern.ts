import type { TopLevelCondition } from 'json-rules-engine';

/**
 * Renders an event rule's conditions as a CloudWatch JSON filter pattern in one canonical form:
 * every comparison in parentheses, every nested group in parentheses, `cwIn` as an OR of `=`,
 * string values double-quoted. Rules store exactly this text as `cloudwatch.filterPattern`, so the
 * deployed filter is the conditions by construction (test/rules/pack.test.ts holds them equal).
 */
type Node = Record<string, unknown>;

const OPS: Record<string, string> = {
  cwEquals: '=',
  cwNotEquals: '!=',
  cwLessThan: '<',
  cwGreaterThan: '>',
  cwLessThanOrEqual: '<=',
  cwGreaterThanOrEqual: '>=',
};
const KEYWORDS: Record<string, string> = {
  cwIsNull: 'IS NULL',
  cwIsTrue: 'IS TRUE',
  cwIsFalse: 'IS FALSE',
  cwNotExists: 'NOT EXISTS',
};

function renderValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && typeof (v as { regex?: unknown }).regex === 'string') return `%${(v as { regex: string }).regex}%`;
  if (typeof v === 'string') return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  throw new Error(`cannot render value ${JSON.stringify(v)}`);
}

function render(node: Node, top: boolean): string {
  const key = Array.isArray(node.all) ? 'all' : Array.isArray(node.any) ? 'any' : null;
  if (key) {
    const children = node[key] as Node[];
    if (children.length === 1) return render(children[0], top);
    const text = children.map((c) => render(c, false)).join(key === 'all' ? ' && ' : ' || ');
    return top ? text : `(${text})`;
  }
  const path = node.path as string;
  const op = node.operator as string;
  if (op === 'cwIn') {
    const any = (node.value as unknown[]).map((value) => ({ path, operator: 'cwEquals', value }));
    return render({ any }, top);
  }
  if (KEYWORDS[op]) return `(${path} ${KEYWORDS[op]})`;
  if (OPS[op]) return `(${path} ${OPS[op]} ${renderValue(node.value)})`;
  throw new Error(`operator ${op} has no filter-pattern form`);
}

export function renderFilterPattern(conditions: TopLevelCondition): string {
  return `{ ${render(conditions as unknown as Node, true)} }`;
}
