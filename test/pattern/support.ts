import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRulePack } from '../../src/rules/load';
import type { Rule } from '../../src/model/rule';
import { DATASETS, REPO } from '../support/paths';

export const FIXTURE_RULES = join(__dirname, 'fixtures', 'rules');

export interface LabelledEvent {
  label: string;
  record: Record<string, unknown>;
}

/** Every CloudTrail record in the shared data: Stratus arrays, Panther test events, Invictus lines. */
export function sharedEvents(): LabelledEvent[] {
  const out: LabelledEvent[] = [];
  const stratus = join(DATASETS, 'stratus-red-team', 'detonation-logs');
  for (const f of readdirSync(stratus).sort()) {
    if (!f.endsWith('.json')) continue;
    const arr = JSON.parse(readFileSync(join(stratus, f), 'utf8')) as Record<string, unknown>[];
    arr.forEach((record, i) => out.push({ label: `stratus/${f}[${i}]`, record }));
  }
  const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '');
  lines(join(DATASETS, 'panther-analysis', 'cloudtrail_rule_tests.jsonl')).forEach((l, i) => {
    const o = JSON.parse(l) as { event?: Record<string, unknown> };
    if (o.event && typeof o.event === 'object') out.push({ label: `panther line ${i + 1}`, record: o.event });
  });
  lines(join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl')).forEach((l, i) => {
    out.push({ label: `invictus line ${i + 1}`, record: JSON.parse(l) as Record<string, unknown> });
  });
  return out;
}

/** The bundled rule pack (as far as it exists) plus this area's own fixture rules. */
export function allEventRules(): Rule[] {
  const rules: Rule[] = [];
  for (const dir of [join(REPO, 'rules'), FIXTURE_RULES]) {
    if (!existsSync(dir)) continue;
    const pack = loadRulePack({ dir });
    if (pack.errors.length > 0) throw new Error(`rule pack ${dir} has load errors: ${JSON.stringify(pack.errors, null, 2)}`);
    rules.push(...pack.rules.filter((r) => r.target === 'event'));
  }
  return rules;
}
