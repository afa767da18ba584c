import fc from 'fast-check';
import { ruleCondition } from '../../src/semantics/condition-json';
import { FastMatcher } from '../../src/engine/fast-matcher';
import { anchorOf, TextScreen } from '../../src/engine/text-screen';
import { requiredEventNamePatterns } from '../../src/engine/requirements';
import type { Rule } from '../../src/model/rule';
import { loadRulePack } from '../../src/rules/load';
import { JsonSplitter } from '../../src/sources/json-split';
import { sharedEvents, type Rec } from '../support/shared-events';

/**
 * The screen judges records inside one whole text (a file), by position. Whatever the layout of
 * that text, it must never screen out a record some rule matches, and the splitter must still
 * count and number every record.
 */
const pack = loadRulePack();
const fast = new FastMatcher(pack.rules);

function split(text: string, screen = true): { emitted: { index: number; text: string }[]; screened: number } {
  const s = new JsonSplitter({ screen: screen ? fast.screen() : undefined });
  const emitted = s.push(text).concat(s.end());
  expect(s.error).toBeUndefined();
  return { emitted: emitted.map((e) => ({ index: e.index, text: e.text })), screened: s.screened };
}

/** Every record some rule matches came out of the splitter, under its own index; none is lost. */
function expectNothingLost(records: Rec[], text: string): number {
  const { emitted, screened } = split(text);
  expect(emitted.length + screened).toBe(records.length);
  const out = new Map(emitted.map((e) => [e.index, e.text]));
  let matched = 0;
  records.forEach((r, i) => {
    if (fast.matches(r).length === 0) return;
    matched++;
    const got = out.get(i);
    if (got === undefined) throw new Error(`record ${i} was screened out but matches ${fast.matches(r)}: ${JSON.stringify(r).slice(0, 300)}`);
    expect(JSON.parse(got)).toEqual(r);
  });
  return matched;
}

describe('text screen over whole files', () => {
  const data = sharedEvents();
  const all = [...data.stratus, ...data.panther, ...data.invictus];

  test('every shared event, in one compact and one pretty-printed file', () => {
    const n = expectNothingLost(all, JSON.stringify({ Records: all }));
    expect(n).toBeGreaterThan(100);
    expect(expectNothingLost(all, JSON.stringify({ Records: all }, null, 2))).toBe(n);
    // It must also screen: on real data most records match nothing and are never emitted.
    const { screened } = split(JSON.stringify({ Records: all }));
    expect(screened).toBeGreaterThan(all.length / 2);
  });

  test('eventName globs are indexed: AddPermission20150331v2 is a candidate, ListFunctions is not', () => {
    const lambdaRule = pack.rules.find((r) => r.id === 'lambda-function-public-permission') as Rule;
    expect(requiredEventNamePatterns(ruleCondition(lambdaRule))?.globs).toEqual(new Set(['AddPermission*']));
    const rec = { eventName: 'AddPermission20150331v2', eventSource: 'lambda.amazonaws.com', requestParameters: { principal: '*' } };
    expect(fast.matches(rec)).toContain('lambda-function-public-permission');
    const { emitted, screened } = split(JSON.stringify({ Records: [rec, { ...rec, eventName: 'ListFunctions20150331' }] }));
    expect(emitted.map((e) => e.index)).toEqual([0]);
    expect(screened).toBe(1);
  });

  test('a name that cannot be read simply forces a parse', () => {
    const login = { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', additionalEventData: { MFAUsed: 'No' }, userIdentity: { type: 'IAMUser' }, responseElements: { ConsoleLogin: 'Success' } };
    expect(fast.matches(login).length).toBeGreaterThan(0);
    const quiet = '{"eventName":"ListBuckets","eventSource":"s3.amazonaws.com","userIdentity":{"type":"IAMUser"}}';
    const cases = [
      // A plain nested name first, the top-level one written with spaces after it: two keys, so parse.
      '{"x":{"eventName":"ListBuckets"},"eventName" : "ConsoleLogin","eventSource":"signin.amazonaws.com","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser"},"responseElements":{"ConsoleLogin":"Success"}}',
      // The same with both plain: the first one found is not the record's name.
      '{"x":{"eventName":"ListBuckets"},"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser"},"responseElements":{"ConsoleLogin":"Success"}}',
      // An escape in the key or the value.
      '{"event\\u004eame":"ConsoleLogin","eventSource":"signin.amazonaws.com","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser"},"responseElements":{"ConsoleLogin":"Success"}}',
      '{"eventName":"Console\\u004cogin","eventSource":"signin.amazonaws.com","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser"},"responseElements":{"ConsoleLogin":"Success"}}',
    ];
    for (const c of cases) {
      const rec = JSON.parse(c) as Rec;
      expect(fast.matches(rec).length).toBeGreaterThan(0);
      const { emitted } = split(`{"Records":[${quiet},${c},${quiet}]}`);
      expect(emitted.map((e) => e.index)).toEqual([1]);
    }
    // The quiet record alone is screened out; with a token anywhere in it, it is parsed.
    expect(split(`{"Records":[${quiet}]}`).screened).toBe(1);
    expect(split(`{"Records":[${quiet.replace('IAMUser', 'Root')}]}`).emitted.map((e) => e.index)).toEqual([0]);
  });

  test('generated files: records shuffled, reformatted and with names nested', () => {
    const sample = all.filter((_, i) => i % 7 === 0);
    const layout = fc.record({
      picks: fc.array(fc.integer({ min: 0, max: sample.length - 1 }), { minLength: 1, maxLength: 40 }),
      nestName: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      pretty: fc.boolean(),
    });
    fc.assert(
      fc.property(layout, ({ picks, nestName, pretty }) => {
        const records = picks.map((p, i) => {
          // A nested eventName naming a quiet call, ahead of the real one, must not hide it.
          return nestName[i] ? { pre: { eventName: 'ListBuckets' }, ...sample[p] } : { ...sample[p] };
        });
        expectNothingLost(records, JSON.stringify({ Records: records }, null, pretty ? 1 : undefined));
      }),
      { numRuns: 200, seed: 20261126 },
    );
  });

  test('tokens are found by a part of them (anchor), wherever they sit in the record', () => {
    // Tokens that share an anchor (the two insight types share `RateIn`), a token at the very
    // start of the text, tokens cut off by a record's end: the screen says what includes() says.
    const tokens = ['"Root"', '"ApiCallRateInsight"', '"ApiErrorRateInsight"', '"Insight"', 'UnauthorizedOperation"', '"AccessDenied'];
    for (const t of tokens) {
      const { anchor, offset } = anchorOf(t);
      expect(t.slice(offset, offset + anchor.length)).toBe(anchor);
    }
    expect(anchorOf('"ApiCallRateInsight"').anchor).toBe(anchorOf('"ApiErrorRateInsight"').anchor);
    const pieces = [...tokens, 'Root', 'RateInsight"', 'Denied', 'Operation"', '"Insigh', 'x', '"', ',', 'A'];
    const screen = new TextScreen({ isIndexedName: () => false, tokens });
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), { minLength: 1, maxLength: 8 }), (records) => {
        // Each record a name that no rule indexes, then its pieces.
        const texts = records.map((r) => `{"eventName":"Quiet",${r.join('')}}`);
        const text = texts.join(',');
        screen.reset(text);
        let start = 0;
        for (const r of texts) {
          const expected = tokens.some((t) => r.includes(t));
          expect(screen.mayMatch(start, start + r.length)).toBe(expected);
          start += r.length + 1;
        }
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });
});
