import { mkdtempSync, writeFileSync } from 'node:fs';
import { singleDesViaTripleDes } from '../support/s3rver-tokens';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as s3 from '@aws-sdk/client-s3';
import type { LocatedRecord } from '../../src/model/event';
import type { InputRecord } from '../../src/model/input';
import { S3ObjectStore } from '../../src/sources/s3-object-store';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { CallSpacer, parseS3Uri, readArchiveEvents, readLookupEvents } from '../../src/sources/live-events';
import { eventSourceFor, eventSourcesHelp, LOCAL_FILES } from '../../src/sources/event-sources';
import { readFileSync } from 'node:fs';
import { EventJudge } from '../../src/scan/scan-events';
import { readCloudTrailBatches, type ReadOptions } from '../../src/sources/cloudtrail-files';
import { INVICTUS, scratch, stratus } from '../sources/fixtures';
import { FakeAws } from './support/fake-aws';
import { goodWorld, REGION } from './support/live-world';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

process.env.AWS_ACCESS_KEY_ID = 'AKIDTRAILPROOFTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'trailproof-test-secret';
delete process.env.AWS_PROFILE;

async function collect(gen: AsyncIterable<LocatedRecord[]>): Promise<LocatedRecord[]> {
  const out: LocatedRecord[] = [];
  for await (const batch of gen) out.push(...batch);
  return out;
}

const into = (inputs: InputRecord[]) => (i: InputRecord) => void inputs.push(i);

function event(i: number, time = '2026-11-20T10:00:00Z') {
  return { eventVersion: '1.09', eventID: `e-${i}`, eventTime: time, eventName: i % 2 ? 'StopLogging' : 'ConsoleLogin', eventSource: 'cloudtrail.amazonaws.com', awsRegion: REGION, recipientAccountId: '111122223333' };
}

describe('CloudTrail Event History (cloudtrail:lookup)', () => {
  let fake: FakeAws;
  beforeEach(async () => {
    fake = new FakeAws(goodWorld());
    fake.world.pageSize = 2;
    fake.world.regions[REGION].lookupEvents = [0, 1, 2, 3, 4].map((i) => ({ EventId: `e-${i}`, EventName: event(i).eventName, CloudTrailEvent: JSON.stringify(event(i)) }));
    await fake.start();
  });
  afterEach(() => fake.stop());

  test('reads every page over the wire, spaced to 2 calls a second, and retries throttling', async () => {
    fake.faults = [{ op: 'LookupEvents', kind: 'throttle', times: 1 }];
    fake.world.regions[REGION].lookupEvents!.push({ EventId: 'bad', EventName: 'X', CloudTrailEvent: '{"eventName": ' });
    const clock = 1_000_000;
    const slept: number[] = [];
    const inputs: InputRecord[] = [];
    const since = new Date('2026-11-01T00:00:00Z');
    const records = await collect(
      readLookupEvents({ regions: [REGION], endpoint: fake.endpoint, since, until: new Date('2026-11-25T00:00:00Z'), now: () => clock, sleep: async (ms) => void slept.push(ms) }, into(inputs)),
    );
    expect(records.map((r) => r.record.eventID)).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
    const calls = fake.opsCalled('LookupEvents');
    expect(calls.map((c) => c.params.NextToken ?? null)).toEqual([null, null, 'page-2', 'page-4']); // first one throttled, then retried
    expect(calls[0].params.StartTime).toBe(since.getTime() / 1000);
    // the clock never moved: the later pages got the slots at +0.5 s and +1 s
    expect(slept).toEqual([500, 1000]);
    expect(inputs).toEqual([
      expect.objectContaining({ path: `cloudtrail:lookup/${REGION}`, kind: 'live', status: 'processed', records: 5, skippedRecords: [expect.objectContaining({ count: 1 })] }),
    ]);
  });

  test('access denied is an input error naming cloudtrail:LookupEvents', async () => {
    fake.faults = [{ op: 'LookupEvents', kind: 'deny' }];
    const inputs: InputRecord[] = [];
    const records = await collect(readLookupEvents({ regions: [REGION], endpoint: fake.endpoint, sleep: async () => undefined }, into(inputs)));
    expect(records).toEqual([]);
    expect(inputs[0]).toMatchObject({ status: 'error', reason: expect.stringContaining('cloudtrail:LookupEvents') });
  });

  test('the spacer waits only as long as the last call is recent', async () => {
    let t = 0;
    const slept: number[] = [];
    const s = new CallSpacer(2, async (ms) => void slept.push(ms), () => t);
    await s.wait('r');
    t = 100;
    await s.wait('r');
    t = 2000;
    await s.wait('r');
    await s.wait('other');
    expect(slept).toEqual([400]);
  });
});

describe('CloudTrail archive in S3 (s3://bucket/prefix) over s3rver', () => {
  const BUCKET = 'audit-archive';
  let server: { close(): Promise<void> };
  let client: s3.S3Client;
  let restore: () => void;
  const put = (Key: string, body: unknown, gz = true) =>
    client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key, Body: gz ? gzipSync(JSON.stringify(body)) : typeof body === 'string' ? body : JSON.stringify(body) }));

  beforeAll(async () => {
    restore = singleDesViaTripleDes();
    const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 'tp-archive-')), configureBuckets: [{ name: BUCKET }] });
    const addr = (await s.run()) as { port: number };
    server = { close: () => s.close() };
    client = new s3.S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${addr.port}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const base = 'trails/AWSLogs/o-exampleorg1';
    await put(`${base}/111122223333/CloudTrail/us-east-1/2026/11/19/a.json.gz`, { Records: [event(1, '2026-11-19T23:00:00Z')] });
    await put(`${base}/111122223333/CloudTrail/us-east-1/2026/11/20/b.json.gz`, { Records: [event(2, '2026-11-20T01:00:00Z'), event(3, '2026-11-20T22:00:00Z')] });
    await put(`${base}/111122223333/CloudTrail/us-east-1/2026/11/20/broken.json.gz`, '{"Records": [', false);
    await put(`${base}/111122223333/CloudTrail/eu-west-1/2026/11/20/c.json.gz`, { Records: [event(4, '2026-11-20T02:00:00Z')] });
    await put(`${base}/444455556666/CloudTrail/us-east-1/2026/11/20/d.json.gz`, { Records: [event(5, '2026-11-20T03:00:00Z')] });
    await put(`${base}/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/digest.json.gz`, { digestStartTime: 'x' });
  });
  afterAll(async () => {
    await server.close();
    restore();
  });

  test('narrows by account, region and date folders, trims to the window, reports bad objects', async () => {
    const store = new S3ObjectStore(s3, client, 1);
    const inputs: InputRecord[] = [];
    const records = await collect(
      readArchiveEvents(store, 's3://audit-archive/trails/', {
        accounts: ['111122223333'],
        regions: ['us-east-1'],
        window: { since: new Date('2026-11-20T00:30:00Z'), until: new Date('2026-11-20T12:00:00Z') },
        onInput: into(inputs),
      }),
    );
    expect(records.map((r) => r.record.eventID)).toEqual(['e-2']);
    expect(records[0].location.path).toBe('s3://audit-archive/trails/AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/11/20/b.json.gz');
    expect(inputs.map((i) => [i.path.split('/').pop(), i.status, i.records])).toEqual([
      ['b.json.gz', 'processed', 1],
      ['broken.json.gz', 'error', 0],
    ]);
    expect(inputs[1].reason).toMatch(/^truncated JSON at line 1 column 14/);
  });

  test('without filters reads every account and region folder, never digests', async () => {
    const inputs: InputRecord[] = [];
    const records = await collect(readArchiveEvents(new S3ObjectStore(s3, client), 's3://audit-archive/trails', { onInput: into(inputs) }));
    expect(records.map((r) => r.record.eventID).sort()).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(inputs.some((i) => i.path.includes('Digest'))).toBe(false);
  });

  test('the s3:// event source reads the archive through the SDK chain with an endpoint override', async () => {
    const inputs: InputRecord[] = [];
    const endpoint = String(await client.config.endpoint?.().then((e) => `${e.protocol}//${e.hostname}:${e.port}`));
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    const records = await collect(eventSourceFor('s3://audit-archive/trails').read(['s3://audit-archive/trails'], { endpoint, regions: ['eu-west-1'], onInput: into(inputs) }));
    expect(records.map((r) => r.record.eventID)).toEqual(['e-4']);
    expect(eventSourceFor('s3://x').form).toBe('s3://bucket/prefix');
    expect(eventSourceFor('cloudtrail:lookup').form).toBe('cloudtrail:lookup');
    expect(eventSourceFor('./logs/file.json')).toBe(LOCAL_FILES);
    expect(eventSourceFor('-')).toBe(LOCAL_FILES);
    // The help lists every source, one line each.
    expect(eventSourcesHelp(2).split('\n').map((l) => l.trim().split(/\s+/)[0])).toEqual(['PATH', 's3://bucket/prefix', 'cloudtrail:lookup']);
  });

  test('scan reads a live archive beside local files: one finding per event, overlap counted once', async () => {
    const endpoint = String(await client.config.endpoint?.().then((e) => `${e.protocol}//${e.hostname}:${e.port}`));
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    const dir = mkdtempSync(join(tmpdir(), 'tp-local-'));
    writeFileSync(join(dir, 'copy.json'), JSON.stringify({ Records: [event(1, '2026-11-19T23:00:00Z'), event(3, '2026-11-20T22:00:00Z')] }));
    const doc = await runScan({ pack: loadRulePack(), events: [dir, 's3://audit-archive/trails'], liveEvents: { endpoint } });
    const stops = [...doc.findings].filter((f) => f.ruleId === 'cis-cloudtrail-config-changes');
    // StopLogging is e-1, e-3 and e-5; e-1 and e-3 are both in the local copy and the archive.
    expect(stops.map((f) => (f.subject.kind === 'event' ? f.subject.eventId : '')).sort()).toEqual(['e-1', 'e-3', 'e-5']);
    expect(doc.summary.duplicateEventsIgnored).toBe(2);
    expect(doc.summary.events).toBe(2 + 5);
  });

  describe('an archived object reads exactly as the same file on disk', () => {
    const disk = scratch();
    afterAll(() => disk.cleanup());
    const folder = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21';
    const judge = new EventJudge(loadRulePack().rules);

    /** The same bytes as a file under the trail's layout and as an object under its own prefix. */
    async function bothWays(name: string, bytes: Buffer, opts: Omit<ReadOptions, 'onInput' | 'screen'> = {}) {
      const file = disk.write(`${name}/${folder}/${name}`, bytes);
      await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: `parity/${name}/${folder}/${name}`, Body: bytes }));
      const onDisk: InputRecord[] = [];
      const fromS3: InputRecord[] = [];
      const fileRecords = await collect(readCloudTrailBatches([file], { ...opts, screen: judge.matcher.screen?.(), onInput: into(onDisk) }));
      const objectRecords = await collect(
        readArchiveEvents(new S3ObjectStore(s3, client), `s3://${BUCKET}/parity/${name}`, { ...opts, screen: judge.matcher.screen?.(), onInput: into(fromS3) }),
      );
      expect(onDisk).toHaveLength(1);
      expect(fromS3).toHaveLength(1);
      expect(fromS3[0].path).toBe(`s3://${BUCKET}/parity/${name}/${folder}/${name}`);
      // Everything but the name is the same: kind, status, counts, skipped groups, hash, size, reason.
      expect({ ...fromS3[0], path: '' }).toEqual({ ...onDisk[0], path: '' });
      expect(objectRecords.map((r) => [r.record.eventID, r.location.index, r.location.line])).toEqual(fileRecords.map((r) => [r.record.eventID, r.location.index, r.location.line]));
      return { input: fromS3[0], records: objectRecords };
    }

    test('JSON lines (a real export, gzipped) with a damaged line', async () => {
      const lines = readFileSync(INVICTUS, 'utf8').split('\n').slice(0, 5);
      lines.splice(2, 0, '{"eventName": "Broken",');
      const { input } = await bothWays('export.jsonl.gz', gzipSync(lines.join('\n')));
      expect(input).toMatchObject({ kind: 'json-lines', status: 'error', records: 5 });
      expect(input.reason).toMatch(/invalid JSON/);
    });

    test('EventBridge envelopes, one of them not from CloudTrail', async () => {
      const [a, b] = stratus('aws.defense-evasion.cloudtrail-stop');
      const envelope = (detail: unknown, type = 'AWS API Call via CloudTrail') => ({ version: '0', id: 'x', 'detail-type': type, source: 'aws.cloudtrail', detail });
      const { input } = await bothWays('eventbridge.json', Buffer.from(JSON.stringify([envelope(a), envelope(b ?? a), envelope({ state: 'running' }, 'EC2 Instance State-change Notification')])));
      expect(input).toMatchObject({ kind: 'eventbridge', status: 'processed', records: 2 });
      expect(input.skippedRecords).toEqual([expect.objectContaining({ count: 1, reason: 'EventBridge event that does not come from CloudTrail' })]);
    });

    test('a record over the size limit', async () => {
      const records = stratus('aws.defense-evasion.cloudtrail-stop');
      const big = { ...records[0], eventID: 'big', requestParameters: { padding: 'x'.repeat(4096) } };
      const { input } = await bothWays('oversized.json.gz', gzipSync(JSON.stringify({ Records: [records[0], big] })), { maxRecordBytes: 2048 });
      expect(input).toMatchObject({ kind: 'cloudtrail-log', status: 'error', records: 1 });
      expect(input.reason).toMatch(/over the record size limit; first: record 2 at line 1 column \d+ has \d+ characters, over the 2 KiB limit/);
    });

    test('corrupt gzip: the records before the damage, and the damage named', async () => {
      const gz = gzipSync(JSON.stringify({ Records: stratus('aws.defense-evasion.cloudtrail-stop') }));
      gz.fill(0x55, Math.floor(gz.length / 2), Math.floor(gz.length / 2) + 16);
      const { input } = await bothWays('corrupt.json.gz', gz);
      expect(input.status).toBe('error');
      expect(input.reason).toMatch(/corrupt gzip|truncated gzip/);
    });

    test('the window trims records at the date edges: uncounted, whether or not the screen skipped them', async () => {
      const base = stratus('aws.defense-evasion.cloudtrail-stop')[0];
      const at = (id: string, eventName: string, eventTime: string) => ({ ...base, eventID: id, eventName, eventTime });
      const body = { Records: [at('in-1', 'StopLogging', '2026-11-21T01:00:00Z'), at('in-2', 'DescribeTrails', '2026-11-21T02:00:00Z'), at('out-1', 'StopLogging', '2026-11-21T20:00:00Z'), at('out-2', 'DescribeTrails', '2026-11-21T21:00:00Z')] };
      const { input, records } = await bothWays('window.json', Buffer.from(JSON.stringify(body)), { window: { since: new Date('2026-11-21T00:00:00Z'), until: new Date('2026-11-21T12:00:00Z') } });
      expect(input).toMatchObject({ status: 'processed', records: 2 });
      expect(records.map((r) => r.record.eventID)).toContain('in-1');
      expect(records.map((r) => r.record.eventID).filter((id) => id?.startsWith('out'))).toEqual([]);
    });
  });

  test('URI parsing', () => {
    expect(parseS3Uri('s3://b/p/q/')).toEqual({ bucket: 'b', prefix: 'p/q' });
    expect(parseS3Uri('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Uri('/tmp/x')).toBeUndefined();
  });
});
