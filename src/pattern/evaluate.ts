import type { CompareValue } from '../model/condition';
import {
  cwEquals,
  cwIsFalse,
  cwIsNull,
  cwIsTrue,
  cwNotEquals,
  cwNotExists,
  cwNumeric,
} from '../semantics/compare';
import { resolveSegments } from '../semantics/selector';
import type { CompareOp, FieldExpr, FilterPattern, JsonCondition, JsonExpr, PatternValue, SpaceField, TermGroup } from './ast';

/**
 * The filter-pattern evaluator (spec B.3-B.6). Every field comparison goes through
 * src/semantics/compare.ts, the same functions the rule operators use; this file only walks the
 * pattern and finds the values. Choices this file makes itself are listed in docs/filter-patterns.md.
 */

function compareValueOf(v: PatternValue): CompareValue {
  return v.value;
}

/** One comparison, `actual` being the resolved value (`undefined` = missing). */
export function compare(actual: unknown, op: CompareOp, value: CompareValue): boolean {
  switch (op) {
    case '=':
      return cwEquals(actual, value);
    case '!=':
      return cwNotEquals(actual, value);
    default:
      return typeof value === 'number' && cwNumeric(actual, op, value);
  }
}

function evaluateCondition(c: JsonCondition, doc: unknown): boolean {
  const actual = resolveSegments(doc, c.selector.segments);
  switch (c.type) {
    case 'compare':
      return compare(actual, c.op, compareValueOf(c.value));
    case 'is':
      return c.test === 'NULL' ? cwIsNull(actual) : c.test === 'TRUE' ? cwIsTrue(actual) : cwIsFalse(actual);
    case 'not-exists':
      return cwNotExists(actual);
  }
}

function evaluateJsonExpr(e: JsonExpr, doc: unknown): boolean {
  switch (e.type) {
    case 'and':
      return e.children.every((c) => evaluateJsonExpr(c, doc));
    case 'or':
      return e.children.some((c) => evaluateJsonExpr(c, doc));
    default:
      return evaluateCondition(e, doc);
  }
}

/** Term patterns search the raw message, case-sensitively, as a substring (choice T1). */
function evaluateTerms(groups: TermGroup[], message: string): boolean {
  return groups.some((g) => g.terms.every((t) => message.includes(t.text) !== t.exclude));
}

/**
 * Split a space-delimited message: runs of spaces separate fields; `"…"` and `[…]` make one
 * field each, without their delimiters (choice S1).
 */
function splitSpaceDelimited(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    while (i < n && message[i] === ' ') i++;
    if (i >= n) break;
    const c = message[i];
    if (c === '"' || c === '[') {
      const close = message.indexOf(c === '"' ? '"' : ']', i + 1);
      if (close >= 0) {
        out.push(message.slice(i + 1, close));
        i = close + 1;
        continue;
      }
    }
    const s = i;
    while (i < n && message[i] !== ' ') i++;
    out.push(message.slice(s, i));
  }
  return out;
}

const NUMERIC_TEXT = /^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** A space-delimited field is text; against a number it is read as a number when it is one (choice S2). */
function fieldActual(text: string, value: CompareValue): unknown {
  return typeof value === 'number' && NUMERIC_TEXT.test(text) ? Number(text) : text;
}

function evaluateField(e: FieldExpr, text: string): boolean {
  switch (e.type) {
    case 'and':
      return e.children.every((c) => evaluateField(c, text));
    case 'or':
      return e.children.some((c) => evaluateField(c, text));
    case 'cond': {
      const value = compareValueOf(e.cond.value);
      return compare(fieldActual(text, value), e.cond.op, value);
    }
  }
}

/** Fields must account for every token: `...` takes any number (choice S3). */
function evaluateSpace(fields: SpaceField[], tokens: string[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (fi: number, ti: number): boolean => {
    const key = fi * (tokens.length + 1) + ti;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (fi === fields.length) r = ti === tokens.length;
    else {
      const f = fields[fi];
      if (f.type === 'ellipsis') {
        r = false;
        for (let k = ti; k <= tokens.length && !r; k++) r = go(fi + 1, k);
      } else {
        r = ti < tokens.length && (!f.expr || evaluateField(f.expr, tokens[ti])) && go(fi + 1, ti + 1);
      }
    }
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/**
 * Does the pattern match one log event message (what TestMetricFilter receives)? A JSON pattern
 * needs a message that is a JSON object or array (choice J1).
 */
export function matchesMessage(p: FilterPattern, message: string): boolean {
  switch (p.kind) {
    case 'match-all':
      return true;
    case 'json': {
      let doc: unknown;
      try {
        doc = JSON.parse(message);
      } catch {
        return false;
      }
      return doc !== null && typeof doc === 'object' && evaluateJsonExpr(p.expr, doc);
    }
    case 'regex':
      return cwEquals(message, p.value);
    case 'term':
      return evaluateTerms(p.groups, message);
    case 'space':
      return evaluateSpace(p.fields, splitSpaceDelimited(message));
  }
}

/**
 * Does the pattern match a CloudTrail record? CloudTrail delivers each record to CloudWatch Logs
 * as one compact JSON message, so non-JSON patterns see `JSON.stringify(record)`.
 */
export function matchesRecord(p: FilterPattern, record: unknown): boolean {
  if (p.kind === 'json') return record !== null && typeof record === 'object' && evaluateJsonExpr(p.expr, record);
  return matchesMessage(p, JSON.stringify(record));
}

export interface TestMatch {
  /** 1-based, as AWS's space-delimited example suggests (B.10 point 10, choice M1). */
  eventNumber: number;
  eventMessage: string;
  extractedValues: Record<string, string>;
}

/** An offline TestMetricFilter: the same response shape as the API (B.8). */
export function testMetricFilter(p: FilterPattern, messages: readonly string[]): { matches: TestMatch[] } {
  const matches: TestMatch[] = [];
  messages.forEach((m, i) => {
    if (!matchesMessage(p, m)) return;
    const extractedValues: Record<string, string> = {};
    if (p.kind === 'space') {
      const tokens = splitSpaceDelimited(m);
      // Named fields before any ellipsis line up with the first tokens; after it, with the last.
      const ell = p.fields.findIndex((f) => f.type === 'ellipsis');
      p.fields.forEach((f, fi) => {
        if (f.type !== 'field') return;
        const ti = ell < 0 || fi < ell ? fi : tokens.length - (p.fields.length - fi);
        if (tokens[ti] !== undefined) extractedValues[`$${f.name}`] = tokens[ti];
      });
    }
    matches.push({ eventNumber: i + 1, eventMessage: m, extractedValues });
  });
  return { matches };
}
