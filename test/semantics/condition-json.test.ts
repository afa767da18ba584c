import type { TopLevelCondition } from 'json-rules-engine';
import { conditionLeaves, foldCondition, type ConditionNode } from '../../src/model/condition';
import { ConditionError, readCondition, ruleCondition, writeCondition } from '../../src/semantics/condition-json';
import { loadRulePack } from '../../src/rules/load';

const FILE = 'rules/example.json';
const leaf = (extra: Record<string, unknown> = {}) => ({ fact: 'event', path: '$.a', operator: 'cwEquals', value: 'x', ...extra });

function errorOf(raw: unknown): ConditionError {
  try {
    readCondition(raw, FILE);
  } catch (e) {
    if (e instanceof ConditionError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('readCondition refuses a bad node, naming the file and the JSON pointer', () => {
  test.each([
    ['not an object', { all: [leaf(), 'cwEquals'] }, '/conditions/all/1', /must be an object/],
    ['an array of conditions', [leaf()], '/conditions', /must be an object/],
    ['all that is not a list', { all: leaf() }, '/conditions/all', /"all" must be an array/],
    ['two forms at once', { all: [], any: [] }, '/conditions', /has all and any/],
    ['a fact comparison beside a not', { not: leaf(), ...leaf() }, '/conditions', /has not and fact/],
    ['neither form', { all: [{ path: '$.a', operator: 'cwEquals', value: 'x' }] }, '/conditions/all/0', /all, any, not or a fact comparison/],
    ['a fact that is not a string', { any: [leaf({ fact: 3 })] }, '/conditions/any/0/fact', /"fact" must be a string/],
    ['no operator', { any: [leaf({ operator: undefined })] }, '/conditions/any/0/operator', /"operator" must be a string/],
    ['a cw* comparison without a selector', { all: [leaf({ path: undefined })] }, '/conditions/all/0', /no "path" selector/],
    ['a selector that does not parse', { all: [{ not: leaf({ path: '$.a[*]' }) }] }, '/conditions/all/0/not/path', /selector \$\.a\[\*\]: expected an array index/],
    ['a boolean to compare with', { any: [leaf({ value: true })] }, '/conditions/any/0/value', /value true has no filter-pattern form/],
    ['an object to compare with', { any: [leaf({ value: { regex: 'a', flags: 'i' } })] }, '/conditions/any/0/value', /has no filter-pattern form/],
    ['a regex that does not compile', { all: [leaf({ value: { regex: '(' } })] }, '/conditions/all/0/value', /invalid regex/],
    ['a numeric test on a string', { all: [leaf({ operator: 'cwGreaterThan', value: '5' })] }, '/conditions/all/0/value', /cwGreaterThan needs a number/],
    ['an empty cwIn', { all: [leaf({ operator: 'cwIn', value: [] })] }, '/conditions/all/0/value', /cwIn needs a non-empty array/],
    ['a bad value inside cwIn', { all: [leaf({ operator: 'cwIn', value: ['a', null] })] }, '/conditions/all/0/value/1', /value null/],
    ['cwNotExists false', { all: [leaf({ operator: 'cwNotExists', value: false })] }, '/conditions/all/0/value', /cwNotExists takes "value": true/],
  ])('%s', (_what, raw, pointer, detail) => {
    const e = errorOf(raw);
    expect(e.file).toBe(FILE);
    expect(e.pointer).toBe(pointer);
    expect(e.detail).toMatch(detail);
    expect(e.message).toBe(`${FILE} at ${pointer}: ${e.detail}`);
  });
});

describe('readCondition', () => {
  test('types each cw* operator and keeps every other leaf as written', () => {
    const raw = {
      all: [
        { fact: 'event', path: '$.e', operator: 'cwIn', value: ['A', 'B*', { regex: '^C' }] },
        { not: { fact: 'event', path: '$.n', operator: 'cwLessThanOrEqual', value: 3 } },
        { any: [
          { fact: 'event', path: '$.z', operator: 'cwNotExists', value: true },
          { fact: 'event', path: '$.t[0]', operator: 'cwIsFalse', value: true },
          { fact: 'event', path: '$.u', operator: 'cwNotEquals', value: 7 },
        ] },
        { fact: 'resource', path: '$.trails', operator: 'anyMatches', value: { '$.isLogging': true } },
      ],
    };
    const node = readCondition(raw, FILE);
    expect(conditionLeaves(node)).toEqual([
      { kind: 'in', pointer: '/conditions/all/0', fact: 'event', path: '$.e', values: ['A', 'B*', { regex: '^C' }] },
      { kind: 'numeric', pointer: '/conditions/all/1/not', fact: 'event', path: '$.n', op: '<=', value: 3 },
      { kind: 'not-exists', pointer: '/conditions/all/2/any/0', fact: 'event', path: '$.z' },
      { kind: 'is', pointer: '/conditions/all/2/any/1', fact: 'event', path: '$.t[0]', test: 'FALSE' },
      { kind: 'not-equals', pointer: '/conditions/all/2/any/2', fact: 'event', path: '$.u', value: 7 },
      { kind: 'opaque', pointer: '/conditions/all/3', fact: 'resource', path: '$.trails', operator: 'anyMatches', value: { '$.isLogging': true } },
    ]);
    expect(writeCondition(node)).toEqual(raw);
  });

  test('writeCondition gives back every rule of the pack as written', () => {
    const pack = loadRulePack();
    expect(pack.rules.length).toBeGreaterThan(50);
    for (const r of pack.rules) expect(writeCondition(ruleCondition(r))).toEqual(r.conditions);
  });

  test('ruleCondition reads a rule once and names its file on a bad node', () => {
    const rule = { id: 'r', sourcePath: '/x/rules/r.json', conditions: { all: [leaf()] } as unknown as TopLevelCondition };
    expect(ruleCondition(rule)).toBe(ruleCondition(rule));
    const bad = { id: 'bad', conditions: { all: [leaf({ operator: 'cwIn', value: 'x' })] } as unknown as TopLevelCondition };
    expect(() => ruleCondition(bad)).toThrow('rule bad at /conditions/all/0/value: cwIn needs a non-empty array');
    expect(() => ruleCondition({ ...bad, sourcePath: '/x/rules/bad.json' })).toThrow('/x/rules/bad.json at /conditions/all/0/value');
  });
});

test('foldCondition hands each node kind to its own function, children first', () => {
  const node = readCondition(
    { any: [{ all: [leaf(), leaf({ operator: 'cwIsNull', value: true })] }, { not: leaf({ operator: 'equal' }) }] },
    FILE,
  );
  const seen: string[] = [];
  const name = (n: ConditionNode) => {
    seen.push(n.kind);
    return n.kind;
  };
  const text = foldCondition<string>(node, {
    all: (n, c) => `${name(n)}(${c.join(',')})`,
    any: (n, c) => `${name(n)}(${c.join(',')})`,
    not: (n, c) => `${name(n)}(${c})`,
    equals: name,
    'not-equals': name,
    in: name,
    numeric: name,
    is: name,
    'not-exists': name,
    opaque: name,
  });
  expect(text).toBe('any(all(equals,is),not(opaque))');
  expect(seen).toEqual(['equals', 'is', 'all', 'opaque', 'not', 'any']);
});
