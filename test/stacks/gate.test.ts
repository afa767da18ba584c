import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/model/finding';
import { scanPosture } from '../../src/scan/scan-posture';
import { loadRulePack } from '../../src/rules/load';
import { synthesize } from '../../stacks/synth';
import { REPO } from '../support/paths';

/**
 * The stacks gate themselves: the app synthesized with the default configuration
 * (trailproof.config.json) and scanned as Terraform JSON by the posture engine passes every CIS
 * logging and monitoring control it can judge from IaC.
 */
let dir: string;
let findings: Finding[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trailproof-gate-'));
  const out = join(dir, 'cdktf.out');
  synthesize(out);
  const pack = loadRulePack();
  expect(pack.errors).toEqual([]);
  const result = await scanPosture({ terraform: [out], rules: pack.rules });
  expect(result.inputs.map((i) => i.status)).toEqual(['processed']);
  findings = result.findings;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** CIS v3.0.0 ids: Logging is section 3, Monitoring section 4 (v6/v7 shift both by one). */
const isLoggingOrMonitoring = (control: string) => /^cis-aws@(1\.4\.0|1\.5\.0|2\.0\.0|3\.0\.0|4\.0\.0|5\.0\.0):[34]\.|^cis-aws@(6\.0\.0|7\.0\.0):[45]\./.test(control);

test('no CIS logging or monitoring control fails (or errors) on the default stacks', () => {
  const bad = findings
    .filter((f) => (f.status === 'fail' || f.status === 'error') && f.controls.some(isLoggingOrMonitoring))
    .map((f) => `${f.status} ${f.ruleId} ${JSON.stringify(f.subject)}`);
  expect(bad).toEqual([]);
});

test('every CIS v3.0.0 logging and monitoring control the stacks implement has a passing result', () => {
  const passed = new Set(findings.filter((f) => f.status === 'pass').flatMap((f) => f.controls));
  // 3.7 (VPC flow logs) is about VPCs, which these stacks do not create.
  const expected = ['3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.8', '3.9', ...Array.from({ length: 16 }, (_, i) => `4.${i + 1}`)];
  expect(expected.filter((id) => !passed.has(`cis-aws@3.0.0:${id}`))).toEqual([]);
});

test('nothing else in the stacks fails either (hygiene rules beyond CIS)', () => {
  expect(findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => f.ruleId)).toEqual([]);
});

test('as a user runs it: `trailproof posture --terraform cdktf.out` exits 0', async () => {
  const report = join(dir, 'report');
  const code = await new Promise<number>((resolve) => {
    execFile(process.execPath, ['bin/trailproof.js', 'posture', '--terraform', join(dir, 'cdktf.out'), '--out', report, '--quiet'], { cwd: REPO }, (err) =>
      resolve(err ? ((err as { code?: number }).code ?? -1) : 0),
    );
  });
  expect(code).toBe(0);
  const doc = JSON.parse(readFileSync(join(report, 'findings.json'), 'utf8')) as { findings: Finding[] };
  expect(doc.findings.filter((f) => f.status === 'pass').length).toBe(findings.filter((f) => f.status === 'pass').length);
});

test('the gate can fail: without a subscriber the monitoring chain breaks and says so', async () => {
  const out = join(dir, 'no-subscriber');
  synthesize(out, { notifications: [] });
  const { findings: broken } = await scanPosture({ terraform: [out], rules: loadRulePack().rules });
  const failing = broken.filter((f) => f.status === 'fail').flatMap((f) => f.controls);
  expect(failing).toEqual(expect.arrayContaining(['cis-aws@3.0.0:4.1', 'cis-aws@3.0.0:4.3', 'cis-aws@3.0.0:4.15']));
});

test('a separate data-event trail keeps CIS v3.0+ passing; only v1.4 3.4 (dropped in v3.0) objects', async () => {
  const out = join(dir, 'separate');
  synthesize(out, { notifications: [{ protocol: 'email', endpoint: 'a@example.com' }], trail: { dataEvents: { separateTrail: true } } });
  const { findings: f } = await scanPosture({ terraform: [out], rules: loadRulePack().rules });
  // CIS v1.4 3.4 wants every trail in CloudWatch Logs; keeping data events out of the log group is
  // exactly what this option trades away (the README says so).
  const failing = f.filter((x) => x.status === 'fail' || x.status === 'error');
  expect(failing.map((x) => [x.ruleId, x.controls, JSON.stringify(x.subject).includes('data_events_trail')])).toEqual([
    ['cis-cloudtrail-cloudwatch-logs', ['cis-aws@1.4.0:3.4'], true],
  ]);
  const passed = new Set(f.filter((x) => x.status === 'pass').flatMap((x) => x.controls));
  expect(['cis-aws@3.0.0:3.8', 'cis-aws@3.0.0:3.9', 'cis-aws@3.0.0:4.1'].filter((c) => !passed.has(c))).toEqual([]);
});

test('two regions pass CIS 3.3 in both; recording global types in the home region only fails it in the other', async () => {
  const scan = async (name: string, globalResourcesInAllRegions: boolean) => {
    const out = join(dir, name);
    synthesize(out, { notifications: [{ protocol: 'email', endpoint: 'a@example.com' }], regions: ['us-east-1', 'eu-west-1'], config: { globalResourcesInAllRegions } });
    const { findings: f } = await scanPosture({ terraform: [out], rules: loadRulePack().rules });
    return f.filter((x) => x.ruleId === 'cis-config-recording-all-resources').map((x) => [(x.subject as { region?: string }).region, x.status]).sort();
  };
  expect(await scan('global-everywhere', true)).toEqual([
    ['eu-west-1', 'pass'],
    ['us-east-1', 'pass'],
  ]);
  expect(await scan('global-home-only', false)).toEqual([
    ['eu-west-1', 'fail'],
    ['us-east-1', 'pass'],
  ]);
});
