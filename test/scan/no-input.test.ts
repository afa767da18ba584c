/**
 * A run that read nothing proves nothing: every way of pointing trailproof at nothing must say
 * NO INPUT (never PASS) and exit 2, and still write findings.json so the run is on record.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindingsDocument } from '../../src/model/finding';
import { findingsSchemaProblems } from '../../reports/json';
import { DATASETS, REPO } from '../support/paths';

const STRATUS_FILE = join(DATASETS, 'stratus-red-team', 'detonation-logs', 'aws.defense-evasion.cloudtrail-stop.json');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tp-noinput-'));
}

function cli(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), ...args], { encoding: 'utf8', cwd: REPO, input: input ?? '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function verdictLine(stdout: string): string {
  return stdout.split('\n').find((l) => l.startsWith('verdict:')) ?? '';
}

/** The verdict says NO INPUT for the flag, never PASS; exit 2; findings.json written and valid. */
function expectNoInput(r: ReturnType<typeof cli>, out: string, flag: RegExp): void {
  expect(r.code).toBe(2);
  const v = verdictLine(r.stdout);
  expect(v).toMatch(/^verdict: NO INPUT: no input could be read from /);
  expect(v).toMatch(flag);
  expect(v).not.toMatch(/PASS/);
  expect(r.stderr).toMatch(/no input could be read/);
  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
  expect(findingsSchemaProblems(doc)).toEqual([]);
  // Every input is still accounted for, with its reason.
  for (const i of doc.inputs) expect(i.status === 'processed' || Boolean(i.reason)).toBe(true);
}

describe('nothing read is not PASS (exit 2)', () => {
  test('scan --events <empty directory>', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'empty'));
    const out = join(dir, 'out');
    expectNoInput(cli(['scan', '--events', join(dir, 'empty'), '--out', out]), out, /--events \(0 events read\)/);
  });

  test('scan --events <directory holding only non-log files>', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'README.txt'), 'not a log\n');
    writeFileSync(join(dir, 'logs', 'notes.md'), '# notes\n');
    const out = join(dir, 'out');
    const r = cli(['scan', '--events', join(dir, 'logs'), '--out', out]);
    expectNoInput(r, out, /--events/);
    expect(r.stdout).toMatch(/skipped: 2 inputs \(.*README\.txt and 1 more\): not an event file/);
  });

  test('scan --events <a log file with no records>', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty.json'), '{"Records":[]}');
    const out = join(dir, 'out');
    expectNoInput(cli(['scan', '--events', join(dir, 'empty.json'), '--out', out]), out, /--events \(0 events read\)/);
  });

  test('scan --iac <directory with no *.tf.json> (a gate pointed at a missing synth)', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'cdktf.out'));
    writeFileSync(join(dir, 'cdktf.out', 'notes.json'), '{}');
    const out = join(dir, 'out');
    expectNoInput(cli(['scan', '--iac', join(dir, 'cdktf.out'), '--out', out]), out, /--iac\/--terraform \(no Terraform resources read\)/);
  });

  test('posture --config <snapshot with no items>', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'x', configurationItems: [] }));
    const out = join(dir, 'out');
    expectNoInput(cli(['posture', '--config', join(dir, 'snapshot.json'), '--out', out]), out, /--config \(no configuration items read\)/);
  });

  test('`gunzip -c missing.json.gz | trailproof scan --events -`: stdin with no data', () => {
    const out = join(tmp(), 'out');
    expectNoInput(cli(['scan', '--events', '-', '--out', out], ''), out, /--events \(0 events read\)/);
  });

  test('one requested kind empty beside one that was read: still NO INPUT, and the failures read are said after it', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'synth'));
    const out = join(dir, 'out');
    const r = cli(['scan', '--events', STRATUS_FILE, '--iac', join(dir, 'synth'), '--out', out, '--format', 'md']);
    expectNoInput(r, out, /--iac/);
    expect(verdictLine(r.stdout)).not.toMatch(/--events \(/);
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    const failing = doc.findings.filter((f) => f.status === 'fail').length;
    expect(failing).toBeGreaterThan(0);
    expect(verdictLine(r.stdout)).toContain(`; ${failing} failing finding(s) at or above low in what was read`);
    // The PR comment leads with the same verdict.
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.split('\n')[1]).toMatch(/^## trailproof: ⚠️ NO INPUT: no input could be read from --iac/);
  });

  test('a scan that read events still passes or fails on its findings (exit 0/1, not 2)', () => {
    const out = join(tmp(), 'out');
    const r = cli(['scan', '--events', STRATUS_FILE, '--out', out, '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(verdictLine(r.stdout)).toMatch(/^verdict: PASS/);
  });

  test('findings.json is written whatever --format asks for', () => {
    const out = join(tmp(), 'out');
    const r = cli(['scan', '--events', STRATUS_FILE, '--out', out, '--format', 'md', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    expect(findingsSchemaProblems(doc)).toEqual([]);
    expect(doc.summary.events).toBeGreaterThan(0);
    expect(r.stdout).toContain(`wrote ${join(out, 'findings.json')}`);
  });

  test('validate-logs --local <empty directory>: nothing validated is exit 2, not "everything valid"', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'mirror'));
    const keys = join(REPO, 'test', 'integrity', 'sample-mirror', 'public-keys-us-east-1.json');
    const out = join(dir, 'out');
    const r = cli(['validate-logs', '--local', join(dir, 'mirror'), '--s3-bucket', 'b', '--public-keys', `us-east-1=${keys}`, '--start-time', '2026-01-01T00:00:00Z', '--end-time', '2026-01-02T00:00:00Z', '--out', out, '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no digest or log files found in .*mirror.*nothing was validated/);
    expect(existsSync(join(out, 'findings.json'))).toBe(true);
  });
});
