import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../stacks/synth';
import type { FindingsDocument } from '../../src/model/finding';
import { REPO, DATASETS } from '../support/paths';

const tmp = () => mkdtempSync(join(tmpdir(), 'trailproof-mixed-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trailproof scan: one run, every input kind', () => {
  const synthDir = join(tmp(), 'cdktf.out');
  beforeAll(() => {
    synthesize(synthDir);
  });

  test('the stacks gate themselves: scan --iac on the synthesized app fails no CIS logging or monitoring control', () => {
    const out = tmp();
    const r = cli(['scan', '--iac', synthDir, '--out', out]);
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    const cis = doc.findings.filter((f) => f.controls.some((c) => c.startsWith('cis-aws@')));
    expect(cis.length).toBeGreaterThan(20);
    const failing = cis.filter((f) => f.status === 'fail' || f.status === 'error');
    expect(failing.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    // Every monitoring control 4.1-4.15 of v3.0.0 has a passing result on the stacks.
    for (let n = 1; n <= 15; n++) {
      expect(cis.some((f) => f.status === 'pass' && f.controls.includes(`cis-aws@3.0.0:4.${n}`))).toBe(true);
    }
    expect(r.code).toBe(0);
  });

  test('events, Config items and Terraform JSON in one findings.json', () => {
    const out = tmp();
    const r = cli([
      'scan',
      '--events', join(DATASETS, 'stratus-red-team', 'detonation-logs', 'aws.defense-evasion.cloudtrail-stop.json'),
      '--config', join(DATASETS, 'aws-config-rdk', 'example_ci'),
      '--iac', synthDir,
      '--out', out,
      '--format', 'json,md',
    ]);
    expect(r.code).toBe(1); // the Stratus recording stops a trail: a failing finding
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    const kinds = new Set(doc.findings.map((f) => f.subject.kind));
    expect(kinds).toEqual(new Set(['event', 'resource', 'account']));
    const inputKinds = new Set(doc.inputs.map((i) => i.kind));
    expect(inputKinds.has('terraform-json')).toBe(true);
    expect([...inputKinds].some((k) => k.startsWith('config'))).toBe(true);
    const resource = doc.findings.find((f) => f.subject.kind === 'resource' && f.subject.stack === 'trailproof-audit');
    expect(resource?.subject.kind === 'resource' && resource.subject.address).toBeTruthy();
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/cloudtrail/i);
  });
});
