import { EventEvaluator } from '../../src/engine/evaluate';
import type { CloudTrailRecord } from '../../src/model/event';
import type { Rule } from '../../src/model/rule';
import { matchesRecord, parseFilterPattern } from '../../src/pattern';
import { loadRulePack } from '../../src/rules/load';
import { cisMonitoringId, invictusEvents, pantherEvents } from './support/data';

/**
 * Acceptance: with the B.3 semantics the CIS monitoring rules give exactly these counts of
 * matching events on the shared datasets (issue 2). A control that is absent from a table is 0.
 */
const INVICTUS_COUNTS: Record<string, number> = {
  '4.1': 60, '4.2': 1, '4.4': 26, '4.5': 13, '4.8': 6, '4.10': 8, '4.12': 15, '4.13': 40, '4.14': 16, '4.15': 1,
};
const PANTHER_COUNTS: Record<string, number> = {
  '4.1': 37, '4.2': 14, '4.3': 12, '4.4': 14, '4.5': 8, '4.6': 1, '4.7': 4, '4.8': 15, '4.9': 6, '4.10': 7,
  '4.11': 6, '4.12': 2, '4.13': 2, '4.14': 2, '4.15': 1,
};
const CIS_IDS = Array.from({ length: 15 }, (_, i) => `4.${i + 1}`);

const cisRules = loadRulePack().rules.filter((r) => r.target === 'event' && cisMonitoringId(r));

async function countByControl(rules: Rule[], events: CloudTrailRecord[]): Promise<Record<string, number>> {
  const evaluator = new EventEvaluator(rules);
  const control = new Map(rules.map((r) => [r.id, cisMonitoringId(r)!]));
  const counts: Record<string, number> = Object.fromEntries(CIS_IDS.map((id) => [id, 0]));
  for (const e of events) for (const id of await evaluator.matches(e)) counts[control.get(id)!]++;
  return counts;
}

/** The same count through the filter-pattern evaluator: what the deployed metric filter would count. */
function countByPattern(rules: Rule[], events: CloudTrailRecord[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(CIS_IDS.map((id) => [id, 0]));
  for (const r of rules) {
    const { pattern } = parseFilterPattern(r.cloudwatch!.filterPattern);
    counts[cisMonitoringId(r)!] = events.filter((e) => matchesRecord(pattern, e)).length;
  }
  return counts;
}

describe('CIS monitoring rules on the shared datasets', () => {
  it('one rule per CIS v5.0.0 monitoring control 4.1 .. 4.15', () => {
    expect(cisRules.map(cisMonitoringId).sort()).toEqual([...CIS_IDS].sort());
  });

  it('Invictus notable_events.jsonl (613 records) gives the expected counts', async () => {
    const events = invictusEvents();
    expect(events).toHaveLength(613);
    const expected = Object.fromEntries(CIS_IDS.map((id) => [id, INVICTUS_COUNTS[id] ?? 0]));
    expect(await countByControl(cisRules, events)).toEqual(expected);
    expect(countByPattern(cisRules, events)).toEqual(expected);
  });

  it("Panther's 464 test events give the expected counts", async () => {
    const events = pantherEvents();
    expect(events).toHaveLength(464);
    const expected = Object.fromEntries(CIS_IDS.map((id) => [id, PANTHER_COUNTS[id] ?? 0]));
    expect(await countByControl(cisRules, events)).toEqual(expected);
    expect(countByPattern(cisRules, events)).toEqual(expected);
  });
});
