/**
 * The options commands share are read one way: times without a zone are UTC whatever the machine's
 * zone, and the AWS options have aws-cli's names, the old spellings still accepted with a note.
 * The CLI runs in its own process so that its zone can differ from UTC.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAws } from '../posture/support/fake-aws';
import { goodWorld, REGION } from '../posture/support/live-world';
import { REPO } from '../support/paths';

const ZONE = 'America/Los_Angeles';
const DEPRECATION = /^trailproof: --\S+ is deprecated/;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // NODE_NO_WARNINGS: the SDK's Node version notice would sit among the lines asserted on stderr.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1', TZ: ZONE, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDTRAILPROOFTEST', AWS_SECRET_ACCESS_KEY: 'trailproof-test-secret' };
  delete env.AWS_PROFILE;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'bin', 'trailproof.js'), ...args], { cwd: REPO, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

describe('scan: --start-time/--end-time and --endpoint-url against the loopback Event History', () => {
  let fake: FakeAws;
  beforeEach(async () => {
    fake = new FakeAws(goodWorld());
    fake.world.regions[REGION].lookupEvents = [
      { EventId: 'e-1', EventName: 'StopLogging', CloudTrailEvent: JSON.stringify({ eventVersion: '1.09', eventID: 'e-1', eventTime: '2026-11-20T10:00:00Z', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }) },
    ];
    await fake.start();
  });
  afterEach(() => fake.stop());

  const scan = (endpointFlag: string[]) =>
    cli(['scan', '--events', 'cloudtrail:lookup', '--region', REGION, ...endpointFlag, '--start-time', '2026-11-01T00:00:00', '--end-time', '2026-11-25', '--out', mkdtempSync(join(tmpdir(), 'tp-opts-')), '--quiet']);

  test('a time without a zone is UTC in a process 8 hours west of it; --endpoint-url gives no note', async () => {
    const r = await scan(['--endpoint-url', fake.endpoint]);
    expect(r.stderr).toBe('');
    expect(r.code).not.toBe(2);
    const [call] = fake.opsCalled('LookupEvents');
    expect(call.params.StartTime).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(call.params.EndTime).toBe(Date.UTC(2026, 10, 25) / 1000);
  });

  test('the old --endpoint still works, with one deprecation line on stderr', async () => {
    const r = await scan(['--endpoint', fake.endpoint]);
    expect(r.code).not.toBe(2);
    expect(fake.opsCalled('LookupEvents')).toHaveLength(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual(['trailproof: --endpoint is deprecated; use --endpoint-url (same meaning)']);
  });

  test('both spellings at once are a usage error', async () => {
    const r = await scan(['--endpoint', fake.endpoint, '--endpoint-url', fake.endpoint]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--endpoint is the old spelling of --endpoint-url');
    expect(fake.opsCalled('LookupEvents')).toHaveLength(0);
  });

  test('a time that is not one is refused, naming the option and the accepted forms', async () => {
    const r = await cli(['scan', '--events', 'cloudtrail:lookup', '--start-time', '2026-02-30T00:00:00']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--start-time: not a time: 2026-02-30T00:00:00 (expected YYYY-MM-DD');
    expect(fake.opsCalled('LookupEvents')).toHaveLength(0);
  });
});

describe('validate-logs: the same time reading; --aws-region still accepted with a note', () => {
  const mirror = join(REPO, 'test', 'integrity', 'sample-mirror');
  const args = ['validate-logs', '--local', join(mirror, 'bucket'), '--s3-bucket', 'example-trail-bucket', '--public-keys', `us-east-1=${join(mirror, 'public-keys-us-east-1.json')}`];

  test('times without a zone are UTC in a process 8 hours west of it', async () => {
    const r = await cli([...args, '--start-time', '2026-11-20T00:00:00', '--end-time', '2026-11-20T04:00', '--out', mkdtempSync(join(tmpdir(), 'tp-opts-'))]);
    expect(r.stdout).toContain('between 2026-11-20T00:00:00Z and 2026-11-20T04:00:00Z');
    expect(r.stderr).not.toMatch(DEPRECATION);
    expect(r.code).toBe(0);
  });

  test('--aws-region: one deprecation line, and the run is otherwise the same', async () => {
    const r = await cli([...args, '--aws-region', 'eu-west-1', '--start-time', '2026-11-20T00:00:00Z', '--end-time', '2026-11-20T04:00:00Z', '--out', mkdtempSync(join(tmpdir(), 'tp-opts-'))]);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^trailproof: --aws-region is deprecated; S3 calls follow the bucket to its region/)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('between 2026-11-20T00:00:00Z and 2026-11-20T04:00:00Z');
  });
});
