import { EventEvaluator } from '../../src/engine/evaluate';
import { loadRulePack } from '../../src/rules/load';
import { stratusEvents, stratusTechniques } from './support/data';

const pack = loadRulePack();
const evaluator = new EventEvaluator(pack.rules);

/**
 * Each Stratus Red Team detonation a rule declares (`positives.stratus`, detonation-log file names
 * without `.json`) must fire that rule, on at least one of the technique's recorded events.
 */
const TARGETS = new Map<string, string[]>();
for (const r of pack.rules) for (const t of r.positives?.stratus ?? []) TARGETS.set(t, [...(TARGETS.get(t) ?? []), r.id]);

describe('Stratus Red Team detonations fire the rules that target them', () => {
  it('every declared technique has a detonation log', () => {
    expect(TARGETS.size).toBeGreaterThanOrEqual(20);
    const files = new Set(stratusTechniques());
    expect([...TARGETS.keys()].filter((t) => !files.has(t))).toEqual([]);
  });

  it('every detection rule has a Stratus positive', () => {
    const targeted = new Set([...TARGETS.values()].flat());
    const detections = pack.rules.filter((r) => r.sourcePath.includes('/detections/')).map((r) => r.id);
    expect(detections.length).toBeGreaterThanOrEqual(10);
    expect(detections.filter((id) => !targeted.has(id))).toEqual([]);
  });

  it.each([...TARGETS])('%s fires %j', async (technique, ids) => {
    const fired = new Set<string>();
    for (const e of stratusEvents(technique)) for (const id of await evaluator.matches(e)) fired.add(id);
    expect(ids.filter((id) => !fired.has(id))).toEqual([]);
  });
});
