import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { DEFAULT_RULES_DIR } from '../../src/rules/load';
import { DATASETS } from '../support/paths';
import { quietly } from '../support/quietly';

/**
 * Issue 14's remaining gap: in an event-only scan, deleting a rule that matched nothing in the
 * baseline run left no trace (no finding before, no rule now), so the coverage it gave was lost
 * unseen. The baseline's findings.json now lists the rules that ran (`rulePack.index`).
 */
const EVENTS = join(DATASETS, 'stratus-red-team', 'detonation-logs', 'aws.defense-evasion.cloudtrail-stop.json');
// NIST AC-6(9) is mapped by the root-usage rule alone, and that file holds no root activity.
const LOST = 'nist-800-53@r5:AC-6(9)';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
async function scan(extra: string[]): Promise<{ code: number; out: string }> {
  const out = tmp('tp-cov-loss-');
  const code = await quietly(() => main(['scan', '--events', EVENTS, '--out', out, '--format', 'md', '--quiet', ...extra]));
  return { code, out };
}

let baseline: string;
let rulesWithout: string;
beforeAll(async () => {
  const base = await scan(['--fail-on', 'none']);
  expect(base.code).toBe(0);
  baseline = join(base.out, 'findings.json');
  const doc = JSON.parse(readFileSync(baseline, 'utf8'));
  expect(doc.findings.some((f: { ruleId: string }) => f.ruleId === 'cis-root-account-usage')).toBe(false);
  expect(doc.rulePack.index.find((e: { id: string }) => e.id === 'cis-root-account-usage')?.controls).toContain(LOST);
  rulesWithout = tmp('tp-rules-');
  cpSync(DEFAULT_RULES_DIR, rulesWithout, { recursive: true });
  rmSync(join(rulesWithout, 'cis', 'cis-root-account-usage.json'));
});

test('deleting a rule that matched nothing fails the gate and names the control it covered', async () => {
  const r = await scan(['--rules', rulesWithout, '--baseline', baseline, '--fail-on', 'high', '--new-only']);
  expect(r.code).toBe(1);
  const md = readFileSync(join(r.out, 'report.md'), 'utf8');
  const head = md.slice(0, md.indexOf('### Controls') >= 0 ? md.indexOf('### Controls') : md.length);
  expect(head).toContain('**Coverage lost:**');
  expect(head).toContain(LOST);
  expect(head).toContain('cis-root-account-usage');
});

test('the same rule pack as the baseline loses nothing', async () => {
  const r = await scan(['--baseline', baseline, '--fail-on', 'high', '--new-only']);
  expect(r.code).toBe(0);
  expect(readFileSync(join(r.out, 'report.md'), 'utf8')).not.toContain('**Coverage lost:**');
});

test('a baseline written before the index existed cannot show the loss (why the index is needed)', async () => {
  const doc = JSON.parse(readFileSync(baseline, 'utf8'));
  delete doc.rulePack.index;
  const old = join(tmp('tp-old-base-'), 'findings.json');
  writeFileSync(old, JSON.stringify(doc));
  const r = await scan(['--rules', rulesWithout, '--baseline', old, '--fail-on', 'high', '--new-only']);
  expect(readFileSync(join(r.out, 'report.md'), 'utf8')).not.toContain(LOST);
});
