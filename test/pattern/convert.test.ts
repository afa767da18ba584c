import { compareParsed } from '../../src/pattern/compare';
import { ConversionError, conditionsToExpr, exprToConditions } from '../../src/pattern/convert';
import { formatPattern } from '../../src/pattern/format';
import { ConditionError, readCondition, ruleCondition } from '../../src/semantics/condition-json';
import { parseFilterPattern } from '../../src/pattern/parse';
import { allEventRules } from './support';

const rules = allEventRules();

describe.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  test('conditions -> pattern text -> parse is equivalent to the rule pattern, within AWS limits', () => {
    const expr = conditionsToExpr(ruleCondition(rule));
    const text = formatPattern({ kind: 'json', source: '', expr });
    const fromConditions = parseFilterPattern(text).pattern;
    const declared = parseFilterPattern(rule.cloudwatch!.filterPattern).pattern;
    expect(compareParsed(fromConditions, declared).relation).toBe('equivalent');
  });
  test('pattern -> conditions -> pattern round-trips to the same normal form', () => {
    const declared = parseFilterPattern(rule.cloudwatch!.filterPattern).pattern;
    if (declared.kind !== 'json') throw new Error('json expected');
    const back = conditionsToExpr(readCondition(exprToConditions(declared.expr), 'round trip'));
    expect(compareParsed({ kind: 'json', source: '', expr: back }, declared).actual.normal).toBe(
      compareParsed(declared, declared).actual.normal,
    );
  });
});

describe('conditions without a pattern form name their JSON pointer (reading them or converting them)', () => {
  const leaf = (extra: Record<string, unknown>) => ({ fact: 'event', path: '$.a', operator: 'cwEquals', value: 'x', ...extra });
  test.each([
    [{ all: [leaf({}), { not: leaf({}) }] }, '/conditions/all/1/not', /"not"/],
    [{ any: [leaf({ value: true })] }, '/conditions/any/0/value', /no filter-pattern form/],
    [{ all: [leaf({ operator: 'equal' })] }, '/conditions/all/0/operator', /equal has no filter-pattern form/],
    [{ all: [leaf({ operator: 'cwGreaterThan', value: '5' })] }, '/conditions/all/0/value', /needs a number/],
    [{ all: [leaf({ operator: 'cwIn', value: [] })] }, '/conditions/all/0/value', /non-empty array/],
    [{ all: [leaf({ fact: 'other' })] }, '/conditions/all/0/fact', /fact must be "event"/],
    [{ all: [leaf({ path: '$.a[*]' })] }, '/conditions/all/0/path', /selector/],
    [{ all: [] }, '/conditions/all', /non-empty/],
  ])('%j', (conditions, pointer, message) => {
    expect.assertions(3);
    try {
      conditionsToExpr(readCondition(conditions, 'rules/x.json'));
    } catch (e) {
      expect(e instanceof ConditionError || e instanceof ConversionError).toBe(true);
      expect((e as ConversionError | ConditionError).pointer).toBe(pointer);
      expect((e as Error).message).toMatch(message);
    }
  });
});

test('cwIn becomes an OR of equalities; operators map one to one', () => {
  const expr = conditionsToExpr(readCondition({
    all: [
      { fact: 'event', path: '$.e', operator: 'cwIn', value: ['A', 'B*', { regex: '^C' }] },
      { fact: 'event', path: '$.n', operator: 'cwLessThanOrEqual', value: 3 },
      { fact: 'event', path: '$.z', operator: 'cwNotExists', value: true },
      { fact: 'event', path: '$.t', operator: 'cwIsFalse', value: true },
    ],
  }, 'rules/x.json'));
  expect(formatPattern({ kind: 'json', source: '', expr })).toBe('{ ($.e = "A" || $.e = "B*" || $.e = %^C%) && $.n <= 3 && $.z NOT EXISTS && $.t IS FALSE }');
});
