/**
 * The single statement of how a CloudWatch Logs JSON filter compares a field with a value
 * (spec: cloudtrail-formats.md B.3). Both the rule operators and the filter-pattern evaluator call
 * these functions, so the offline scan and the deployed alarm cannot drift apart.
 *
 * Choices where AWS documents nothing ([I] in the spec), each tested in test/pattern/choices.test.ts:
 *  1. `*` is a general glob (any run of characters, anywhere in the value); a `*` in the middle
 *     is accepted here and flagged by `rules lint`. glob.ts is that reading, parsed once.
 *  2. A string value (quoted or bare word) matches only JSON strings, except the lone `*`,
 *     which matches any present scalar that is not null (CDK's `exists()`).
 *  3. A numeric value matches only JSON numbers, compared as numbers; a numeric string such as
 *     "400" is not converted.
 *  4. `!=` is true when the field is present, scalar, and not equal, including when the types
 *     differ (number vs string) and when the value is JSON null.
 *  5. `NOT EXISTS` is false for a field present with value null.
 *  6. `IS TRUE`/`IS FALSE` match JSON booleans only, never the strings "true"/"false".
 *  7. Missing path, object or array: every comparison is false, `!=` included.
 *  8. A regex `%…%` searches (unanchored) string values only; `!=` with a regex is true for a
 *     present scalar that is not a matching string.
 */

import type { CompareValue, NumericOp, RegexValue } from '../model/condition';
import { isLoneStar, parseGlob } from './glob';

export function isRegexValue(v: unknown): v is RegexValue {
  return typeof v === 'object' && v !== null && typeof (v as RegexValue).regex === 'string';
}

const regexCache = new Map<string, RegExp>();

function compileRegex(body: string): RegExp {
  let re = regexCache.get(body);
  if (!re) {
    re = new RegExp(body);
    regexCache.set(body, re);
  }
  return re;
}

/** Present and a JSON scalar: the only values any comparison can succeed on. */
function isComparable(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function equalsPresent(actual: string | number | boolean | null, expected: CompareValue): boolean {
  if (actual === null) return false;
  if (typeof expected === 'number') return typeof actual === 'number' && actual === expected;
  if (isRegexValue(expected)) return typeof actual === 'string' && compileRegex(expected.regex).test(actual);
  if (typeof expected !== 'string') return false; // a filter pattern has no boolean or object literal to compare with
  const glob = parseGlob(expected);
  if (isLoneStar(glob)) return true;
  return typeof actual === 'string' && glob.matches(actual);
}

export function cwEquals(actual: unknown, expected: CompareValue): boolean {
  return isComparable(actual) && equalsPresent(actual, expected);
}

export function cwNotEquals(actual: unknown, expected: CompareValue): boolean {
  return isComparable(actual) && !equalsPresent(actual, expected);
}

export function cwNumeric(actual: unknown, op: NumericOp, expected: number): boolean {
  if (typeof actual !== 'number') return false;
  switch (op) {
    case '<':
      return actual < expected;
    case '>':
      return actual > expected;
    case '<=':
      return actual <= expected;
    case '>=':
      return actual >= expected;
  }
}

export function cwIsNull(actual: unknown): boolean {
  return actual === null;
}

export function cwIsTrue(actual: unknown): boolean {
  return actual === true;
}

export function cwIsFalse(actual: unknown): boolean {
  return actual === false;
}

export function cwNotExists(actual: unknown): boolean {
  return actual === undefined;
}
