import { EventEvaluator } from '../../src/engine/evaluate';
import type { Rule } from '../../src/model/rule';
import { exprToConditions } from '../../src/pattern/convert';
import { PatternSyntaxError } from '../../src/pattern/errors';
import { matchesRecord, testMetricFilter } from '../../src/pattern/evaluate';
import { parseFilterPattern } from '../../src/pattern/parse';

/**
 * Each [I] choice (src/semantics/compare.ts, docs/filter-patterns.md) and each open point of
 * spec B.10, checked on the pattern evaluator and, for JSON patterns, on json-rules-engine
 * running the same pattern converted to conditions: the two must give the verdict we chose.
 */

async function both(pattern: string, record: Record<string, unknown>): Promise<{ pattern: boolean; conditions: boolean }> {
  const parsed = parseFilterPattern(pattern).pattern;
  if (parsed.kind !== 'json') throw new Error('json pattern expected');
  const rule = { id: 'choice', target: 'event', conditions: exprToConditions(parsed.expr), examples: [] } as unknown as Rule;
  const conditions = (await new EventEvaluator([rule]).matches(record)).length > 0;
  return { pattern: matchesRecord(parsed, record), conditions };
}

async function verdict(pattern: string, record: Record<string, unknown>): Promise<boolean> {
  const v = await both(pattern, record);
  expect(v.conditions).toBe(v.pattern);
  return v.pattern;
}

function rejects(pattern: string): PatternSyntaxError {
  try {
    parseFilterPattern(pattern);
  } catch (e) {
    if (e instanceof PatternSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${pattern} to be rejected`);
}

describe('semantics.ts choice 1 / B.10.1: "*" is a general glob, flagged in the middle', () => {
  test.each([
    ['{ $.f = "a*b" }', 'axxb', true],
    ['{ $.f = "a*b" }', 'ab', true],
    ['{ $.f = "a*b" }', 'abx', false],
    ['{ $.f = a*b }', 'a-b', true],
    ['{ $.f = "*mid*" }', 'xmidx', true],
    ['{ $.f = "a**" }', 'a', true],
  ])('%s on %j -> %s', async (p, v, want) => expect(await verdict(p, { f: v })).toBe(want));
  test('a middle "*" is warned about, prefix/suffix are not', () => {
    expect(parseFilterPattern('{ $.f = "a*b" }').warnings.map((w) => w.code)).toEqual(['glob-in-middle']);
    expect(parseFilterPattern('{ $.f = 123.123.* }').warnings).toEqual([]);
    expect(parseFilterPattern('{ $.f = "*Unauthorized" }').warnings).toEqual([]);
  });
});

describe('semantics.ts choice 2 / B.10.4: strings match strings; the lone "*" matches any non-null scalar', () => {
  test.each([
    [null, false],
    ['', true],
    [false, true],
    [0, true],
    ['x', true],
    [{}, false],
    [[], false],
  ])('$.f = "*" on %j -> %s', async (v, want) => expect(await verdict('{ $.f = "*" }', { f: v })).toBe(want));
  test('missing field', async () => expect(await verdict('{ $.f = * }', {})).toBe(false));
  test('a string value never matches a boolean or number', async () => {
    expect(await verdict('{ $.f = "true" }', { f: true })).toBe(false);
    expect(await verdict('{ $.f = true }', { f: true })).toBe(false);
    expect(await verdict('{ $.f = "1" }', { f: 1 })).toBe(false);
  });
  test('a bare true/false/null value is warned about', () => {
    expect(parseFilterPattern('{ $.f = true }').warnings.map((w) => w.code)).toEqual(['literal-true-false-null']);
  });
});

describe('semantics.ts choice 3 / B.10.2: numbers compare numerically, numeric strings are not converted', () => {
  test.each([
    ['{ $.n = 400 }', 400, true],
    ['{ $.n = 4e2 }', 400, true],
    ['{ $.n = 1e+3 }', 1000, true],
    ['{ $.n = 400.0 }', 400, true],
    ['{ $.n = 400 }', '400', false],
    ['{ $.n > 399 }', '400', false],
    ['{ $.n >= 400 }', 400, true],
    ['{ $.n < -1.5 }', -2, true],
    ['{ $.n = "400" }', '400', true],
    ['{ $.n = "400" }', 400, false],
  ])('%s on %j -> %s', async (p, v, want) => expect(await verdict(p, { n: v })).toBe(want));
  test('a numeric operator needs a number', () => {
    expect(rejects('{ $.n > "400" }').position).toBe(8);
    expect(rejects('{ $.n > abc }').reason).toMatch(/not a number/);
  });
});

describe('semantics.ts choice 4 / B.10.3: != across types and on null is true; on missing it is false', () => {
  test.each([
    ['{ $.f != "abc" }', { f: 5 }, true],
    ['{ $.f != 5 }', { f: 'abc' }, true],
    ['{ $.f != 5 }', { f: null }, true],
    ['{ $.f != "abc" }', { f: true }, true],
    ['{ $.f != "abc" }', { f: 'abc' }, false],
    ['{ $.f != "abc" }', {}, false],
    ['{ $.f != "abc" }', { f: { a: 1 } }, false],
    ['{ $.f != "abc" }', { f: ['x'] }, false],
    ['{ $.f != "*" }', { f: null }, true],
    ['{ $.f != "*" }', { f: 'x' }, false],
  ])('%s on %j -> %s', async (p, r, want) => expect(await verdict(p, r)).toBe(want));
});

describe('semantics.ts choice 5 / B.10.5: NOT EXISTS is false for a present null', () => {
  test.each([
    [{}, true],
    [{ f: null }, false],
    [{ f: 0 }, false],
    [{ f: {} }, false],
  ])('$.f NOT EXISTS on %j -> %s', async (r, want) => expect(await verdict('{ $.f NOT EXISTS }', r)).toBe(want));
  test('a missing parent makes the child missing', async () => {
    expect(await verdict('{ $.a.b NOT EXISTS }', { a: 'scalar' })).toBe(true);
    expect(await verdict('{ $.a[3] NOT EXISTS }', { a: [1] })).toBe(true);
  });
});

describe('semantics.ts choice 6: IS TRUE / IS FALSE / IS NULL match JSON values only', () => {
  test.each([
    ['{ $.f IS TRUE }', true, true],
    ['{ $.f IS TRUE }', 'true', false],
    ['{ $.f IS FALSE }', false, true],
    ['{ $.f IS FALSE }', 0, false],
    ['{ $.f IS NULL }', null, true],
    ['{ $.f IS NULL }', 'null', false],
  ])('%s on %j -> %s', async (p, v, want) => expect(await verdict(p, { f: v })).toBe(want));
  test('IS NULL on a missing field is false', async () => expect(await verdict('{ $.f IS NULL }', {})).toBe(false));
});

describe('semantics.ts choice 7: missing, object or array: every comparison false', () => {
  test.each(['{ $.f = "*" }', '{ $.f != "x" }', '{ $.f > 0 }', '{ $.f < 0 }', '{ $.f IS NULL }', '{ $.f = %.% }'])('%s', async (p) => {
    for (const r of [{}, { f: {} }, { f: [1] }, { f: { value: 'x' } }]) expect(await verdict(p, r)).toBe(false);
  });
});

describe('semantics.ts choice 8: a regex searches string values only', () => {
  test.each([
    ['{ $.f = %abc% }', 'xxabcxx', true],
    ['{ $.f = %^abc$% }', 'xxabcxx', false],
    ['{ $.f = %[0-9]+% }', 123, false],
    ['{ $.f != %abc% }', 123, true],
    ['{ $.f != %abc% }', 'abc', false],
    ['{ $.f = %ABC% }', 'abc', false],
  ])('%s on %j -> %s', async (p, v, want) => expect(await verdict(p, { f: v })).toBe(want));
});

describe('B.10.6: keywords are upper case only', () => {
  test.each(['{ $.f is null }', '{ $.f IS null }', '{ $.f not exists }', '{ $.f NOT exists }', '{ $.f Is True }'])('%s is rejected', (p) => {
    expect(rejects(p).reason).toMatch(/upper case/);
  });
  test('unsupported keyword forms are rejected with a hint', () => {
    expect(rejects('{ $.f IS NOT NULL }').reason).toMatch(/IS NOT is not supported/);
    expect(rejects('{ $.f EXISTS }').reason).toMatch(/EXISTS on its own/);
  });
});

describe('B.10.7: term patterns match substrings, case-sensitively', () => {
  const p = parseFilterPattern('ERROR').pattern;
  test.each([
    ['an ERROR', true],
    ['ERRORS', true],
    ['NOERROR', true],
    ['error', false],
  ])('%j -> %s', (m, want) => expect(testMetricFilter(p, [m]).matches.length === 1).toBe(want));
});

describe('B.10.8: \\" and \\\\ escape inside quoted values; other backslashes are literal', () => {
  test.each([
    ['{ $.f = "say \\"hi\\"" }', 'say "hi"', true],
    ['{ $.f = "a\\\\b" }', 'a\\b', true],
    ['{ $.f = "a\\nb" }', 'a\\nb', true],
    ['{ $.f = "a\\nb" }', 'a\nb', false],
  ])('%s on %j -> %s', async (p, v, want) => expect(await verdict(p, { f: v })).toBe(want));
});

describe('B.10.9: selector names are letters, digits, _ and -', () => {
  test('hyphen and underscore are fine', async () => {
    expect(await verdict('{ $.x-amz_id = "1" }', { 'x-amz_id': '1' })).toBe(true);
  });
  test.each([
    ['{ $.a:b = 1 }', 5],
    ['{ $.a@b = 1 }', 5],
    ['{ $.a[*] = 1 }', 5],
    ['{ $..a = 1 }', 4],
    ['{ $.a.[0] = 1 }', 6],
  ])('%s is rejected at position %d', (p, pos) => expect(rejects(p).position).toBe(pos));
  test('a key containing a dot cannot be addressed', async () => {
    expect(await verdict('{ $.cluster.name = "c" }', { 'cluster.name': 'c' })).toBe(false);
  });
});

describe('B.10.10: TestMetricFilter event numbers are 1-based', () => {
  test('third message is eventNumber 3', () => {
    const r = testMetricFilter(parseFilterPattern('{ $.a = 1 }').pattern, ['{}', 'x', '{"a":1}']);
    expect(r.matches.map((m) => m.eventNumber)).toEqual([3]);
    expect(r.matches[0].extractedValues).toEqual({});
  });
});

describe('parser choices', () => {
  test('whitespace between tokens is optional, and newlines count as whitespace', async () => {
    expect(await verdict('{$.a=1&&$.b!=2||$.c=x}', { c: 'x' })).toBe(true);
    expect(await verdict('{\n  ($.a = 1)\n  && ($.b = "y")\n}', { a: 1, b: 'y' })).toBe(true);
  });
  test('&& binds tighter than ||, with a warning when mixed without parentheses', async () => {
    const r = parseFilterPattern('{ $.a = 1 || $.b = 2 && $.c = 3 }');
    expect(r.warnings.map((w) => [w.code, w.position])).toEqual([['mixed-and-or', 21]]);
    expect(await verdict('{ $.a = 1 || $.b = 2 && $.c = 3 }', { a: 1 })).toBe(true);
    expect(await verdict('{ ($.a = 1 || $.b = 2) && $.c = 3 }', { a: 1 })).toBe(false);
    expect(parseFilterPattern('{ ($.a = 1 || $.b = 2) && $.c = 3 }').warnings).toEqual([]);
    expect(parseFilterPattern('{ $.a = 1 || ($.b = 2 && $.c = 3) }').warnings).toEqual([]);
  });
  test('a top-level || alternative with != is warned about (CIS v1.4-v3.0 4.1)', () => {
    const r = parseFilterPattern('{ ($.errorCode = "AccessDenied*") || ($.eventName != "HeadBucket") }');
    expect(r.warnings.map((w) => w.code)).toContain('not-equals-under-or');
  });
});
