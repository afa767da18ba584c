import { EventEvaluator } from '../../src/engine/evaluate';
import type { CloudTrailRecord } from '../../src/model/event';
import { loadRulePack } from '../../src/rules/load';

/** Every rule's own examples, run through the reference evaluator (json-rules-engine + cw* operators). */
const pack = loadRulePack();
const eventRules = pack.rules.filter((r) => r.target === 'event');

describe('rule examples', () => {
  it('the pack has event rules to test', () => {
    expect(eventRules.length).toBeGreaterThanOrEqual(25);
  });

  describe.each(eventRules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const evaluator = new EventEvaluator([rule]);

    it('has at least one match and one no-match example', () => {
      expect(rule.examples.some((e) => e.expect === 'match')).toBe(true);
      expect(rule.examples.some((e) => e.expect === 'no-match')).toBe(true);
    });

    it.each(rule.examples.map((e) => [e.name, e] as const))('%s', async (_name, example) => {
      const matched = await evaluator.matches(example.input as CloudTrailRecord);
      expect(matched.includes(rule.id)).toBe(example.expect === 'match');
    });
  });
});
