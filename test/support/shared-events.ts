import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS } from './paths';

export type Rec = Record<string, unknown>;

/** Every real CloudTrail record in test/fixtures/datasets, by dataset (labels and wrappers removed). */
export function sharedEvents(): { stratus: Rec[]; panther: Rec[]; invictus: Rec[] } {
  const sdir = join(DATASETS, 'stratus-red-team', 'detonation-logs');
  const stratus = readdirSync(sdir)
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(join(sdir, f), 'utf8')) as Rec[]);
  const panther = readFileSync(join(DATASETS, 'panther-analysis', 'cloudtrail_rule_tests.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { event: unknown }).event)
    // A few upstream test cases carry no event object; they are not CloudTrail records.
    .filter((e): e is Rec => typeof e === 'object' && e !== null && !Array.isArray(e));
  const invictus = readFileSync(join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Rec);
  return { stratus, panther, invictus };
}
