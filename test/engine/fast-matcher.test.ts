import fc from 'fast-check';
import { EventEvaluator } from '../../src/engine/evaluate';
import { FastMatcher } from '../../src/engine/fast-matcher';
import type { Rule } from '../../src/model/rule';
import { loadRulePack } from '../../src/rules/load';
import { sharedEvents, type Rec } from '../support/shared-events';

/** Rules that exercise every operator and shape the compiler and the prefilter treat specially. */
function rule(id: string, conditions: Rule['conditions']): Rule {
  return {
    id,
    title: id,
    description: 'test rule for the fast path',
    severity: 'low',
    rationale: 'test rule',
    remediation: 'test rule',
    references: ['https://example.invalid'],
    controls: [],
    target: 'event',
    conditions,
    examples: [],
    sourcePath: `${id}.json`,
  };
}
const leaf = (path: string, operator: string, value: unknown = true) => ({ fact: 'event', path, operator, value });
const OPERATOR_RULES: Rule[] = [
  rule('glob-any', { any: [leaf('$.errorCode', 'cwEquals', '*UnauthorizedOperation'), leaf('$.errorCode', 'cwEquals', 'AccessDenied*')] }),
  rule('root', { all: [leaf('$.userIdentity.type', 'cwEquals', 'Root'), leaf('$.userIdentity.invokedBy', 'cwNotExists'), leaf('$.eventType', 'cwNotEquals', 'AwsServiceEvent')] }),
  rule('names', { all: [leaf('$.eventSource', 'cwEquals', 'ec2.amazonaws.com'), leaf('$.eventName', 'cwIn', ['CreateRoute', 'DeleteRoute', 'Describe*'])] }),
  rule('exists', { all: [leaf('$.eventName', 'cwEquals', 'ConsoleLogin'), leaf('$.additionalEventData.MFAUsed', 'cwNotEquals', 'Yes')] }),
  rule('regex', { all: [leaf('$.userAgent', 'cwEquals', { regex: 'aws-cli/[0-9]' })] }),
  rule('numeric', { any: [leaf('$.requestParameters.maxResults', 'cwGreaterThan', 10), leaf('$.readOnly', 'cwIsFalse'), leaf('$.responseElements', 'cwIsNull')] }),
  rule('index', { all: [leaf('$.resources[0].type', 'cwEquals', 'AWS::*'), leaf('$.eventName', 'cwEquals', 'AssumeRole')] }),
  rule('not-exists-only', { all: [leaf('$.userIdentity.type', 'cwNotExists')] }),
];

async function expectSame(rules: Rule[], events: Rec[]): Promise<number> {
  const ref = new EventEvaluator(rules);
  const fast = new FastMatcher(rules);
  let matched = 0;
  for (const e of events) {
    const want = await ref.matches(e);
    const got = fast.matches(e);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`verdicts differ on ${JSON.stringify(e).slice(0, 300)}: reference ${want} fast ${got}`);
    }
    if (want.length > 0) {
      matched++;
      // The prefilter may never reject a matching record, whatever the JSON layout.
      expect(fast.mayMatchText(JSON.stringify(e))).toBe(true);
      expect(fast.mayMatchText(JSON.stringify(e, null, 2))).toBe(true);
    }
  }
  return matched;
}

describe('fast matcher equals json-rules-engine', () => {
  const data = sharedEvents();
  const all = [...data.stratus, ...data.panther, ...data.invictus];

  test('on every shared event with the bundled rule pack', async () => {
    const pack = loadRulePack();
    const n = await expectSame(pack.rules, all);
    // The pack must actually fire on the attack data, or the equality above proves little.
    expect(n).toBeGreaterThan(100);
  });

  test('on every shared event with operator-coverage rules', async () => {
    const n = await expectSame(OPERATOR_RULES, all);
    expect(n).toBeGreaterThan(50);
  });

  test('on generated events', async () => {
    const scalar = fc.oneof(
      fc.constantFrom('Root', 'root', 'IAMUser', 'AccessDenied', 'Client.UnauthorizedOperation', 'AccessDeniedException', 'Yes', 'No', 'CreateRoute', 'createroute', 'DescribeInstances', 'ConsoleLogin', 'AssumeRole', 'AWS::IAM::Role', 'aws-cli/2.1', 'ec2.amazonaws.com', 'AwsServiceEvent', ''),
      fc.string(),
      fc.integer({ min: -5, max: 50 }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('type', 'x'), scalar) });
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
    const event = fc
      .record({
        eventName: maybe(value),
        eventSource: maybe(value),
        errorCode: maybe(value),
        eventType: maybe(value),
        userAgent: maybe(value),
        readOnly: maybe(value),
        responseElements: maybe(value),
        userIdentity: maybe(fc.oneof(fc.record({ type: maybe(value), invokedBy: maybe(value) }), scalar)),
        additionalEventData: maybe(fc.record({ MFAUsed: maybe(value) })),
        requestParameters: maybe(fc.record({ maxResults: maybe(value) })),
        resources: maybe(fc.array(fc.record({ type: maybe(value) }), { maxLength: 2 })),
      })
      .map((r) => JSON.parse(JSON.stringify(r)) as Rec);
    const rules = [...OPERATOR_RULES, ...loadRulePack().rules];
    const ref = new EventEvaluator(rules);
    const fast = new FastMatcher(rules);
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const want = await ref.matches(e);
        expect(fast.matches(e)).toEqual(want);
        if (want.length > 0) expect(fast.mayMatchText(JSON.stringify(e))).toBe(true);
      }),
      { numRuns: 1000, seed: 20261125 },
    );
  });

  test('the prefilter rejects records no rule can match', () => {
    const fast = new FastMatcher(OPERATOR_RULES.filter((r) => !['not-exists-only', 'numeric', 'regex'].includes(r.id)));
    const quiet = { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: { type: 'IAMUser' }, eventType: 'AwsApiCall' };
    expect(fast.mayMatchText(JSON.stringify(quiet))).toBe(false);
    expect(fast.mayMatchText(JSON.stringify({ ...quiet, errorCode: 'AccessDenied' }))).toBe(true);
    expect(fast.mayMatchText(JSON.stringify({ ...quiet, userIdentity: { type: 'Root' } }))).toBe(true);
    // An escape could hide a token: such text is always parsed.
    expect(fast.mayMatchText(JSON.stringify(quiet).replace('IAMUser', 'R\\u006fot'))).toBe(true);
  });
});
