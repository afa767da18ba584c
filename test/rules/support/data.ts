import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudTrailRecord } from '../../../src/model/event';
import type { Rule } from '../../../src/model/rule';
import { DATASETS } from '../../support/paths';

/** Test-only readers for the shared datasets: small files, read whole. */
function jsonLines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

export const INVICTUS = join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl');
export const PANTHER = join(DATASETS, 'panther-analysis', 'cloudtrail_rule_tests.jsonl');
export const STRATUS_LOGS = join(DATASETS, 'stratus-red-team', 'detonation-logs');

export function invictusEvents(): CloudTrailRecord[] {
  return jsonLines(INVICTUS) as CloudTrailRecord[];
}

/** The `event` of every line, labels and mock flags aside (some are null: they match nothing). */
export function pantherEvents(): CloudTrailRecord[] {
  return jsonLines(PANTHER).map((l) => (l as { event: CloudTrailRecord }).event);
}

export function stratusTechniques(): string[] {
  return readdirSync(STRATUS_LOGS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export function stratusEvents(technique: string): CloudTrailRecord[] {
  return JSON.parse(readFileSync(join(STRATUS_LOGS, `${technique}.json`), 'utf8')) as CloudTrailRecord[];
}

/** The CIS AWS v5.0.0 monitoring control (4.1 .. 4.15) a rule implements, if any. */
export function cisMonitoringId(rule: Rule): string | undefined {
  for (const c of rule.controls) {
    const m = /^cis-aws@5\.0\.0:(4\.\d+)$/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}
