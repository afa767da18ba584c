import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main';
import { DEFAULT_RULES_DIR } from '../../src/rules/load';
import { REPO } from '../support/paths';
import { type Json, goodStack, tmpDir, writeCdktfOut } from '../posture/support/stack';
import { quietly } from '../support/quietly';

/**
 * The pull-request gate as the workflow runs it (`posture ... --baseline base --fail-on high
 * --new-only`): the regressions a security reviewer expects it to stop, which a high-only,
 * new-only threshold alone let through.
 */
async function posture(stack: Json, extra: string[] = []): Promise<{ code: number; out: string }> {
  const out = tmpDir();
  const code = await quietly(() => main(['posture', '--terraform', writeCdktfOut({ audit: stack }), '--out', out, '--format', 'md', '--quiet', ...extra]));
  return { code, out };
}

let baseline: string;
beforeAll(async () => {
  const base = await posture(goodStack(), ['--fail-on', 'none']);
  expect(base.code).toBe(0);
  baseline = join(base.out, 'findings.json');
});

const GATE = () => ['--baseline', baseline, '--fail-on', 'high', '--new-only'];

/** The first screen of the comment: everything before the control tables. */
function firstScreen(out: string): string {
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  return md.slice(0, md.indexOf('### Controls') >= 0 ? md.indexOf('### Controls') : md.length);
}

describe('the PR gate stops what matters by default', () => {
  test('the unchanged stack passes', async () => {
    const r = await posture(goodStack(), GATE());
    expect(r.code).toBe(0);
    expect(firstScreen(r.out)).toContain('PASS');
  });

  test('removing every notification breaks the alarm chains (medium): FAIL, and the first screen says so', async () => {
    const doc = goodStack();
    for (const a of Object.values(doc.resource.aws_cloudwatch_metric_alarm) as Json[]) delete a.alarm_actions;
    const r = await posture(doc, GATE());
    expect(r.code).toBe(1);
    const head = firstScreen(r.out);
    const chains = Object.keys(doc.resource.aws_cloudwatch_metric_alarm).length;
    expect(head).toMatch(new RegExp(`FAIL: ${chains + 2} newly broken alarm chain\\(s\\)`)); // 4.10 and 4.13 have a second chain for their older versions' patterns
    expect(head).toContain('**Broken alarm chains:**');
    // the threshold is still there for those who want it
    const allowed = await posture(doc, [...GATE(), '--allow-broken-chains']);
    expect(allowed.code).toBe(0);
  });

  test('deleting cis-root-account-usage.json loses coverage of 4.3 in every CIS version: FAIL, the controls named first', async () => {
    const rules = tmpDir();
    cpSync(DEFAULT_RULES_DIR, rules, { recursive: true });
    rmSync(join(rules, 'cis', 'cis-root-account-usage.json'));
    const doc = goodStack();
    delete doc.resource.aws_cloudwatch_metric_alarm.cis_root_account_usage;
    delete doc.resource.aws_cloudwatch_log_metric_filter.cis_root_account_usage;
    const r = await posture(doc, [...GATE(), '--rules', rules]);
    expect(r.code).toBe(1);
    const head = firstScreen(r.out);
    expect(head).toContain('control(s) lost coverage against the baseline');
    expect(head).toContain('**Coverage lost:**');
    for (const ref of ['cis-aws@1.4.0:4.3', 'cis-aws@3.0.0:4.3', 'cis-aws@5.0.0:4.3', 'cis-aws@6.0.0:5.3', 'cis-aws@7.0.0:5.3']) {
      expect(head).toContain(`| \`${ref}\` |`);
    }
    const row = head.split('\n').find((l) => l.includes('`cis-aws@3.0.0:4.3`'))!;
    expect(row).toContain('| pass | not-covered |'); // before, now
    expect(row).toContain('cis-monitoring-chain/cis-root-account-usage');
    const allowed = await posture(doc, [...GATE(), '--rules', rules, '--allow-coverage-loss']);
    expect(allowed.code).toBe(0);
    expect(firstScreen(allowed.out)).toContain('allowed by --allow-coverage-loss');
  });

  test('--fail-on none stops nothing (the baseline run relies on it)', async () => {
    const doc = goodStack();
    for (const a of Object.values(doc.resource.aws_cloudwatch_metric_alarm) as Json[]) delete a.alarm_actions;
    expect((await posture(doc, ['--baseline', baseline, '--fail-on', 'none'])).code).toBe(0);
  });
});

describe('the pull-request workflow', () => {
  const wf = parse(readFileSync(join(REPO, '.github', 'workflows', 'pull-request.yml'), 'utf8')) as {
    permissions: Record<string, string>;
    jobs: { gate: { steps: { name?: string; if?: string; uses?: string }[] } };
  };

  test('can upload SARIF in a private repository (actions: read, security-events: write)', () => {
    expect(wf.permissions).toMatchObject({ actions: 'read', 'security-events': 'write', contents: 'read' });
  });

  test('does not fail on a fork: the steps that need a writable token run only for same-repository pull requests', () => {
    const sameRepo = 'github.event.pull_request.head.repo.full_name == github.repository';
    const steps = wf.jobs.gate.steps;
    const sarif = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    const comment = steps.find((s) => s.name === 'Comment the report')!;
    expect(sarif.if).toContain(sameRepo);
    expect(comment.if).toContain(sameRepo);
  });
});
