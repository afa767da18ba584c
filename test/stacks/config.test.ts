import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, resolveConfig } from '../../stacks/config';
import { REPO } from '../support/paths';

function problems(input: unknown): { pointer: string; message: string }[] {
  try {
    resolveConfig(input, 'test.json');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('configuration validation names the field', () => {
  test.each([
    [{ trail: { dataEvnts: {} } }, '/trail', 'unknown property "dataEvnts"'],
    [{ logs: { retentionDays: 30 } }, '/logs/retentionDays', '365'],
    [{ notifications: [{ protocol: 'email', endpoint: 'not-an-address' }] }, '/notifications/0/endpoint', 'email'],
    [{ notifications: [{ protocol: 'sms', endpoint: '555-0123' }] }, '/notifications/0/endpoint', 'pattern'],
    [{ notifications: [{ protocol: 'https', endpoint: 'http://hooks.example.com/x' }] }, '/notifications/0/endpoint', 'pattern'],
    [{ notifications: [{ protocol: 'sqs', endpoint: 'https://sqs.us-east-1.amazonaws.com/1/q' }] }, '/notifications/0/endpoint', 'pattern'],
    [{ notifications: [{ protocol: 'pager', endpoint: 'x' }] }, '/notifications/0/protocol', 'allowed values'],
    [{ notifications: [{ protocol: 'email', endpoint: 'a@b.example', rawMessageDelivery: true }] }, '/notifications/0/rawMessageDelivery', 'only applies to sqs and https'],
    [{ account: '12345' }, '/account', 'pattern'],
    [{ region: 'us-east-1', regions: ['eu-west-1'] }, '/regions', 'must include the home region "us-east-1"'],
    [{ trail: { dataEvents: { s3: { mode: 'None', buckets: ['a-bucket'] } } } }, '/trail/dataEvents/s3', 'mode is "None"'],
    [{ trail: { dataEvents: { s3: { buckets: ['a-bucket'], excludeBuckets: ['b-bucket'] } } } }, '/trail/dataEvents/s3', 'not both'],
    [{ trail: { dataEvents: { s3: { buckets: ['Not_A_Bucket'] } } } }, '/trail/dataEvents/s3/buckets/0', 'pattern'],
    [{ trail: { organization: { enabled: true, organizationId: 'org-1' } } }, '/trail/organization/organizationId', 'pattern'],
    [{ opsTrail: { enabled: true, name: 'trailproof-audit' } }, '/opsTrail/name', 'must differ'],
    [{ storage: { glacierAfterDays: 400, expireAfterDays: 365 } }, '/storage/expireAfterDays', 'later than glacierAfterDays'],
    [{ storage: { objectLock: { mode: 'COMPLIANCE', days: 4000 } } }, '/storage/objectLock/days', 'past their expiry'],
    [{ storage: { objectLock: { mode: 'LEGAL', days: 30 } } }, '/storage/objectLock/mode', 'allowed values'],
    [{ backend: { s3: { bucket: 'state-bucket', key: 'k', useLockfile: false } } }, '/backend/s3', 'without locking'],
    [{ securityHub: { standards: ['cis 5'] } }, '/securityHub/standards/0', 'pattern'],
  ])('%j', (input, pointer, fragment) => {
    const found = problems(input);
    expect(found).toEqual([expect.objectContaining({ pointer, message: expect.stringContaining(fragment) })]);
  });

  test('the error message carries the file and every problem', () => {
    expect(() => resolveConfig({ logs: { retentionDays: 1 }, bogus: 1 }, 'my.config.json')).toThrow(/my\.config\.json:\n/);
    expect(() => resolveConfig({ logs: { retentionDays: 1 }, bogus: 1 }, 'my.config.json')).toThrow(/\n {2}\/logs\/retentionDays: must be equal to one of the allowed values: 365/);
    expect(() => resolveConfig({ logs: { retentionDays: 1 }, bogus: 1 }, 'my.config.json')).toThrow(/\n {2}\/: unknown property "bogus"/);
  });
});

describe('defaults', () => {
  test('an empty configuration passes the CIS logging controls by default', () => {
    const c = resolveConfig({});
    expect(c.region).toBe('us-east-1');
    expect(c.regions).toEqual(['us-east-1']);
    expect(c.trail.dataEvents.s3).toEqual({ mode: 'All', buckets: [], excludeBuckets: [] });
    expect(c.logs.retentionDays).toBeGreaterThanOrEqual(365);
    expect(c.config.enabled && c.securityHub.enabled).toBe(true);
    expect(c.notifications).toEqual([]);
  });

  test('rulesDir is relative to the configuration file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailproof-config-'));
    try {
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ alarms: { rulesDir: 'my-rules' } }));
      expect(loadConfig(join(dir, 'c.json')).alarms.rulesDir).toBe(join(dir, 'my-rules'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('invalid JSON names the file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailproof-config-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(file, '{\n  "region": "us-east-1",\n  oops\n}');
      expect(() => loadConfig(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\n.*invalid JSON.*line 3`));
      expect(() => loadConfig(join(dir, 'missing.json'))).toThrow(/missing\.json:\n.*file not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the example configuration in the README Deploy section is valid', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:stacks -->'), readme.indexOf('<!-- /section:stacks -->'));
    const example = /```json\n([\s\S]*?)```/.exec(section);
    expect(example).not.toBeNull();
    const c = resolveConfig(JSON.parse(example![1]), 'README.md');
    expect(c.backend?.s3.useLockfile).toBe(true);
    expect(c.notifications).toHaveLength(1);
  });

  test('the bundled trailproof.config.json is valid and has a subscriber', () => {
    const c = loadConfig(DEFAULT_CONFIG_PATH);
    expect(c.notifications.length).toBeGreaterThan(0);
  });
});

describe('the cdktf app (main.ts)', () => {
  const run = promisify(execFile);

  test('a bad configuration fails synth with exit 2 and the field named; nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailproof-app-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ logs: { retentionDays: 7 } }));
      const out = join(dir, 'out');
      const failure = await run(process.execPath, ['bin/run-ts.js', 'main.ts'], {
        cwd: REPO,
        env: { ...process.env, TRAILPROOF_CONFIG: join(dir, 'bad.json'), CDKTF_OUTDIR: out },
      }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toContain('bad.json');
      expect(failure?.stderr).toContain('/logs/retentionDays');
      expect(() => readdirSync(out)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
