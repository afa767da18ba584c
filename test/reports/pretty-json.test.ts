import fc from 'fast-check';
import { prettyJson } from '../../reports/pretty-json';
import { sharedEvents } from '../support/shared-events';

/** The reference: what the writers did before, stringify then re-indent every line. */
const reference = (v: unknown, indent: string) => JSON.stringify(v, null, 2)?.replace(/\n/g, `\n${indent}`);

describe('prettyJson is JSON.stringify(v, null, 2) re-indented, byte for byte', () => {
  test('on every real CloudTrail record of the datasets, at several indents', () => {
    const data = sharedEvents();
    const records = [...data.stratus, ...data.panther, ...data.invictus];
    expect(records.length).toBeGreaterThan(1000);
    for (const indent of ['', '  ', '      ']) for (const r of records) expect(prettyJson(r, indent)).toBe(reference(r, indent));
  });

  test('on arbitrary JSON values, strings with escapes, lone surrogates and control characters included', () => {
    const text = fc.string({ unit: 'binary' });
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(text, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, fc.constantFrom('', '  ', '\t'), (v, indent) => {
        expect(prettyJson(v, indent)).toBe(reference(v, indent));
      }),
      { numRuns: 2000 },
    );
  });

  test('what JSON.stringify treats specially: -0, NaN, Infinity, toJSON, boxed values, holes, functions', () => {
    const odd = {
      z: -0,
      n: NaN,
      i: -Infinity,
      d: new Date(0),
      s: new String('boxed'),
      b: new Boolean(false),
      f: () => 1,
      u: undefined,
      a: [undefined, () => 1, Symbol('x'), , 1], // eslint-disable-line no-sparse-arrays
      nested: { toJSON: () => ({ x: [1, { y: 'z' }] }) },
      gone: { toJSON: () => undefined },
      '"quoted\nkey"': [],
      empty: {},
    };
    expect(prettyJson(odd, '    ')).toBe(reference(odd, '    '));
    expect(() => prettyJson({ big: BigInt(1) })).toThrow(TypeError);
  });
});
