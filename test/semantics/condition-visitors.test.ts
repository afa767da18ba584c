import { compileConditions } from '../../src/engine/compile';
import { conditionPaths } from '../../src/engine/conditions';
import { EventEvaluator } from '../../src/engine/evaluate';
import { requiredEventNamePatterns, requiredTokens } from '../../src/engine/requirements';
import type { ConditionKind, ConditionNode, ConditionOf } from '../../src/model/condition';
import type { Rule } from '../../src/model/rule';
import { ConversionError, conditionsToExpr, exprToConditions } from '../../src/pattern/convert';
import { readCondition, writeCondition } from '../../src/semantics/condition-json';
import { cisQuery } from '../../scripts/bench/duckdb';
import { matchesDataEventsOnly } from '../../stacks/data-events';
import { eventPatternFor, UntranslatableRule } from '../../stacks/eventbridge-pattern';

/**
 * Every visitor of the condition IR against one node of every kind. The tables below are keyed by
 * ConditionKind, so a new kind does not typecheck until it has a sample here and each visitor's
 * expected answer for it is written down: no visitor can ignore it unnoticed. The last test shows
 * each visitor refuses a kind it does not know instead of passing over it.
 */

const at = (pointer: string) => ({ pointer, fact: 'event', path: '$.a' });

const SAMPLES: { [K in ConditionKind]: ConditionOf<K> } = {
  all: { kind: 'all', pointer: '/conditions/all/0', children: [{ kind: 'equals', ...at('/conditions/all/0/all/0'), value: 'x*' }, { kind: 'not-exists', ...at('/conditions/all/0/all/1'), path: '$.b' }] },
  any: { kind: 'any', pointer: '/conditions/all/0', children: [{ kind: 'equals', ...at('/conditions/all/0/any/0'), value: 'x' }, { kind: 'numeric', ...at('/conditions/all/0/any/1'), op: '>', value: 4 }] },
  not: { kind: 'not', pointer: '/conditions/all/0', child: { kind: 'equals', ...at('/conditions/all/0/not'), value: 'x' } },
  equals: { kind: 'equals', ...at('/conditions/all/0'), value: 'x*' },
  'not-equals': { kind: 'not-equals', ...at('/conditions/all/0'), value: 'xyz' },
  in: { kind: 'in', ...at('/conditions/all/0'), values: ['x', 5, { regex: '^xy' }] },
  numeric: { kind: 'numeric', ...at('/conditions/all/0'), op: '<=', value: 5 },
  is: { kind: 'is', ...at('/conditions/all/0'), test: 'NULL' },
  'not-exists': { kind: 'not-exists', ...at('/conditions/all/0') },
  opaque: { kind: 'opaque', pointer: '/conditions/all/0', fact: 'event', path: '$.a', operator: 'equal', value: 'x' },
};

const KINDS = Object.keys(SAMPLES) as ConditionKind[];

/** A sample as a rule's top-level conditions (rule files always start with all or any). */
const top = (node: ConditionNode): ConditionNode => ({ kind: 'all', pointer: '/conditions', children: [node] });
const ruleOf = (kind: ConditionKind): Rule =>
  ({ id: `sample-${kind}`, target: 'event', sourcePath: `rules/sample-${kind}.json`, conditions: writeCondition(top(SAMPLES[kind])), examples: [] }) as unknown as Rule;

const RECORDS: Record<string, unknown>[] = [{ a: 'x' }, { a: 'xyz' }, { a: 'y' }, { a: 4 }, { a: 5 }, { a: 6 }, { a: null }, { a: true }, { a: { b: 1 } }, { b: 1 }, {}];

test('every sample is in the notation the reader gives back: the reader and writer agree on every kind', () => {
  for (const kind of KINDS) expect(readCondition(writeCondition(top(SAMPLES[kind])), `rules/sample-${kind}.json`)).toEqual(top(SAMPLES[kind]));
});

describe('compileConditions judges each kind as json-rules-engine does', () => {
  const compiles: Record<ConditionKind, true | RegExp> = {
    all: true,
    any: true,
    not: true,
    equals: true,
    'not-equals': true,
    in: true,
    numeric: true,
    is: true,
    'not-exists': true,
    opaque: /only the cw\* operators, not "equal" \(\/conditions\/all\/0\)/,
  };
  test.each(KINDS)('%s', async (kind) => {
    const expected = compiles[kind];
    if (expected !== true) {
      expect(() => compileConditions(top(SAMPLES[kind]))).toThrow(expected);
      return;
    }
    const predicate = compileConditions(top(SAMPLES[kind]));
    const reference = new EventEvaluator([ruleOf(kind)]);
    const verdicts = await Promise.all(RECORDS.map(async (r) => [(await reference.matches(r)).length > 0, predicate(r)]));
    for (const [ref, compiled] of verdicts) expect(compiled).toBe(ref);
    // Each sample matches some record and misses another, so the comparison above means something.
    expect(new Set(verdicts.map(([ref]) => ref)).size).toBe(2);
  });
});

describe('requirements', () => {
  // Every sample tests $.a, never $.eventName: none pins a name (SAMPLES lists every kind).
  test.each(KINDS)('%s: no eventName pinned on $.a', (kind) => {
    expect(requiredEventNamePatterns(top(SAMPLES[kind]))).toBeNull();
  });

  test('an eventName equality or list under all and any is a requirement, under not none', () => {
    const name = (value: string) => ({ kind: 'equals' as const, pointer: '/p', fact: 'event', path: '$.eventName', value });
    expect(requiredEventNamePatterns({ kind: 'any', pointer: '/p', children: [name('A'), { kind: 'in', pointer: '/p', fact: 'event', path: '$.eventName', values: ['B', 'C*'] }] })).toEqual({
      names: new Set(['A', 'B']),
      globs: new Set(['C*']),
    });
    expect(requiredEventNamePatterns({ kind: 'not', pointer: '/p', child: name('A') })).toBeNull();
  });

  const tokens: Record<ConditionKind, string[] | null> = {
    all: ['"x'],
    any: ['"x"', '"a"'],
    not: null,
    equals: ['"x'],
    'not-equals': ['"a"'],
    in: ['"a"'],
    numeric: ['"a"'],
    is: ['"a"'],
    'not-exists': null,
    opaque: null,
  };
  test.each(KINDS)('%s: the text tokens a match needs', (kind) => {
    expect(requiredTokens(top(SAMPLES[kind]))).toEqual(tokens[kind]);
  });
});

describe('conditionsToExpr (rules lint) and back', () => {
  const converts: Record<ConditionKind, true | [string, RegExp]> = {
    all: true,
    any: true,
    not: ['/conditions/all/0/not', /"not" has no filter-pattern form/],
    equals: true,
    'not-equals': true,
    in: true,
    numeric: true,
    is: true,
    'not-exists': true,
    opaque: ['/conditions/all/0/operator', /operator equal has no filter-pattern form/],
  };
  test.each(KINDS)('%s', (kind) => {
    const expected = converts[kind];
    if (expected === true) {
      const back = readCondition(exprToConditions(conditionsToExpr(top(SAMPLES[kind]))), 'back');
      // A one-child all is no node in a pattern, so all and any come back as the top level;
      // an `in` comes back as an OR of equalities; every other kind as itself.
      if (kind === 'in') expect(back).toMatchObject({ kind: 'any', children: [{ kind: 'equals' }, { kind: 'equals' }, { kind: 'equals' }] });
      else expect(writeCondition(back)).toEqual(writeCondition(kind === 'all' || kind === 'any' ? SAMPLES[kind] : top(SAMPLES[kind])));
      return;
    }
    try {
      conditionsToExpr(top(SAMPLES[kind]));
      throw new Error('expected a ConversionError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConversionError);
      expect((e as ConversionError).pointer).toBe(expected[0]);
      expect((e as ConversionError).message).toMatch(expected[1]);
    }
  });
});

describe('eventPatternFor (the stacks\' EventBridge rules)', () => {
  const patterns: Record<ConditionKind, Record<string, unknown> | RegExp> = {
    all: { a: [{ prefix: 'x' }], b: [{ exists: false }] },
    any: { a: ['x', { numeric: ['>', 4] }] },
    not: /"not" conditions/,
    equals: { a: [{ prefix: 'x' }] },
    'not-equals': { a: [{ 'anything-but': 'xyz' }] },
    in: /regex value/,
    numeric: { a: [{ numeric: ['<=', 5] }] },
    is: { a: [null] },
    'not-exists': { a: [{ exists: false }] },
    opaque: /operator equal/,
  };
  test.each(KINDS)('%s', (kind) => {
    const expected = patterns[kind];
    if (expected instanceof RegExp) {
      expect(() => eventPatternFor(top(SAMPLES[kind]))).toThrow(UntranslatableRule);
      expect(() => eventPatternFor(top(SAMPLES[kind]))).toThrow(expected);
    } else expect(eventPatternFor(top(SAMPLES[kind])).detail).toEqual(expected);
  });
});

describe('the readers that only need fields', () => {
  const paths: Record<ConditionKind, string[]> = {
    all: ['$.a', '$.b'],
    any: ['$.a'],
    not: ['$.a'],
    equals: ['$.a'],
    'not-equals': ['$.a'],
    in: ['$.a'],
    numeric: ['$.a'],
    is: ['$.a'],
    'not-exists': ['$.a'],
    opaque: ['$.a'],
  };
  test.each(KINDS)('%s: conditionPaths (evidence) and data-event detection', (kind) => {
    expect(conditionPaths(top(SAMPLES[kind]))).toEqual(paths[kind]);
    expect(matchesDataEventsOnly(ruleOf(kind))).toBe(false);
  });
});

describe('the DuckDB bench SQL', () => {
  const sql: Record<ConditionKind, string | RegExp> = {
    all: `((e."a" LIKE 'x%' ESCAPE '\\' AND (e."b" IS NULL)))`,
    any: /no SQL for >/,
    not: `((NOT COALESCE(e."a" = 'x', false)))`,
    equals: `(e."a" LIKE 'x%' ESCAPE '\\')`,
    'not-equals': `((e."a" <> 'xyz'))`,
    in: /no SQL for value 5/,
    numeric: /no SQL for <=/,
    is: /no SQL for IS NULL/,
    'not-exists': `((e."a" IS NULL))`,
    opaque: /no SQL for operator equal/,
  };
  test.each(KINDS)('%s', (kind) => {
    const expected = sql[kind];
    if (expected instanceof RegExp) expect(() => cisQuery('/data', [ruleOf(kind)])).toThrow(expected);
    else expect(cisQuery('/data', [ruleOf(kind)])).toContain(`count(*) FILTER (WHERE ${expected}) AS "sample-${kind}"`);
  });
});

describe('a kind a visitor does not know is refused, not passed over', () => {
  const future = { kind: 'future', pointer: '/conditions/all/0' } as unknown as ConditionNode;
  test.each([
    ['compileConditions', compileConditions],
    ['requiredEventNamePatterns', requiredEventNamePatterns],
    ['requiredTokens', requiredTokens],
    ['conditionsToExpr', conditionsToExpr],
    ['eventPatternFor', eventPatternFor],
    ['conditionPaths', conditionPaths],
    ['writeCondition', writeCondition],
  ] as [string, (n: ConditionNode) => unknown][])('%s', (_name, visit) => {
    expect(() => visit(top(future))).toThrow('condition node of unknown kind "future"');
  });
});
