import { FastMatcher } from '../../src/engine/fast-matcher';
import { eventFinding } from '../../src/findings/event-finding';
import type { Finding } from '../../src/model/finding';
import type { RulePack } from '../../src/model/rule';
import { sharedEvents } from './shared-events';

/**
 * Every event finding the pack gives on the shared data, as eventFinding makes them, placed in a
 * few made-up files, some records with a line number and some without.
 */
export function sharedFindings(pack: RulePack): Finding[] {
  const byId = new Map(pack.rules.map((r) => [r.id, r]));
  const fast = new FastMatcher(pack.rules);
  const data = sharedEvents();
  const findings: Finding[] = [];
  [...data.stratus, ...data.panther, ...data.invictus].forEach((record, index) => {
    for (const id of fast.matches(record)) findings.push(eventFinding(byId.get(id)!, { record, location: { path: `data/${index % 7}.json`, index, line: index % 3 === 0 ? undefined : index } }));
  });
  return findings;
}
