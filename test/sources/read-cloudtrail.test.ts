import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readCloudTrail } from '../../src/sources/cloudtrail-files';
import { STDIN_PATH } from '../../src/sources/discover';
import { eventBridge, INVICTUS, logEvent, readAll, scratch, stratus, STRATUS_DIR, stratusFiles } from './fixtures';

const ACCT = '123456789012';
const TRAIL_DIR = `AWSLogs/${ACCT}/CloudTrail/us-east-1/2024/07/30`;
const logName = (n: number) => `${TRAIL_DIR}/${ACCT}_CloudTrail_us-east-1_20240730T12${String(n).padStart(2, '0')}Z_abcdefghijklmnop.json.gz`;

const iam = stratus('aws.persistence.iam-create-admin-user');
const ct = stratus('aws.defense-evasion.cloudtrail-stop');
const ec2 = stratus('aws.exfiltration.ec2-share-ebs-snapshot');
const many = ['aws.persistence.iam-backdoor-user', 'aws.execution.ec2-launch-unusual-instances', 'aws.credential-access.ec2-get-password-data'].flatMap(stratus);

let fx: ReturnType<typeof scratch>;
beforeEach(() => {
  fx = scratch();
});
afterEach(() => fx.cleanup());

describe('readCloudTrail: counts over the shared data', () => {
  it('reads all 310 Stratus records, one processed json-array input per file', async () => {
    const { records, inputs } = await readAll([STRATUS_DIR]);
    expect(records).toHaveLength(310);
    expect(inputs).toHaveLength(stratusFiles().length);
    expect(inputs.every((i) => i.status === 'processed' && i.kind === 'json-array')).toBe(true);
    expect(inputs.reduce((n, i) => n + i.records, 0)).toBe(310);
    // Deterministic, sorted order.
    expect(inputs.map((i) => i.path)).toEqual(stratusFiles().sort().map((f) => join(STRATUS_DIR, f)));
  });

  it('reads all 613 Invictus records as JSON lines with line numbers', async () => {
    const { records, inputs } = await readAll([INVICTUS]);
    expect(records).toHaveLength(613);
    expect(inputs).toEqual([
      expect.objectContaining({ path: INVICTUS, kind: 'json-lines', status: 'processed', records: 613, bytes: readFileSync(INVICTUS).length }),
    ]);
    expect(records[612]).toMatchObject({ index: 612, line: 613 });
    expect(inputs[0].sha256).toBe(createHash('sha256').update(readFileSync(INVICTUS)).digest('hex'));
  });
});

describe('readCloudTrail: every shape', () => {
  it('S3 delivery: gzipped Records envelope under an AWSLogs tree (also an organization trail)', async () => {
    const a = fx.write(logName(0), gzipSync(JSON.stringify({ Records: iam })));
    const b = fx.write(`AWSLogs/o-abcdefghij/${ACCT}/CloudTrail/eu-west-1/2024/07/30/x.json.gz`, gzipSync(JSON.stringify({ Records: ct })));
    const { records, byPath } = await readAll([fx.dir]);
    expect(records.map((r) => r.record)).toEqual([...iam, ...ct]);
    expect(byPath(a)).toMatchObject({ kind: 'cloudtrail-log', status: 'processed', records: iam.length });
    expect(byPath(b)).toMatchObject({ kind: 'cloudtrail-log', status: 'processed', records: ct.length });
  });

  it('gzip is found by its magic bytes, whatever the name says', async () => {
    const p = fx.write('plain-name.json', gzipSync(JSON.stringify(iam)));
    const q = fx.write('not-really.json.gz', JSON.stringify(iam));
    const { records, byPath } = await readAll([p, q]);
    expect(records).toHaveLength(2 * iam.length);
    expect(byPath(p)?.status).toBe('processed');
    expect(byPath(q)?.status).toBe('processed');
  });

  it('concatenated gzip members and concatenated envelopes read as one file', async () => {
    const p = fx.write('cat.json.gz', Buffer.concat([gzipSync(JSON.stringify({ Records: iam })), gzipSync(JSON.stringify({ Records: ct }))]));
    const { records, byPath } = await readAll([p]);
    expect(records.map((r) => r.record)).toEqual([...iam, ...ct]);
    expect(byPath(p)).toMatchObject({ kind: 'cloudtrail-log', records: iam.length + ct.length });
  });

  it('EventBridge envelopes: an array, JSON lines and a single event; the record is the detail', async () => {
    const arr = fx.write('eb/array.json', JSON.stringify(iam.map((r) => eventBridge(r))));
    const lines = fx.write('eb/lines.jsonl', ct.map((r) => JSON.stringify(eventBridge(r))).join('\n'));
    const one = fx.write('eb/one.json', JSON.stringify(eventBridge(ec2[0], 'AWS Console Sign In via CloudTrail'), null, 2));
    const { records, byPath } = await readAll([fx.dir]);
    expect(records.map((r) => r.record)).toEqual([...iam, ...ct, ec2[0]]);
    for (const p of [arr, lines, one]) expect(byPath(p)).toMatchObject({ kind: 'eventbridge', status: 'processed' });
  });

  it('EventBridge events concatenated without separators (Firehose delivery to S3)', async () => {
    const p = fx.write('firehose/2024/07/30/12/stream-1-2024-07-30-12-00-00-abc.gz', gzipSync(iam.map((r) => JSON.stringify(eventBridge(r))).join('')));
    const { records, byPath } = await readAll([p]);
    expect(records.map((r) => r.record)).toEqual(iam);
    expect(byPath(p)).toMatchObject({ kind: 'eventbridge', status: 'processed', records: iam.length });
  });

  it('EventBridge events that are not from CloudTrail are skipped with the reason', async () => {
    const p = fx.write('mixed.json', JSON.stringify([eventBridge(iam[0]), { ...eventBridge(iam[1]), 'detail-type': 'EC2 Instance State-change Notification' }]));
    const { records, byPath } = await readAll([p]);
    expect(records).toHaveLength(1);
    expect(byPath(p)).toMatchObject({
      status: 'processed',
      records: 1,
      skippedRecords: [{ count: 1, reason: 'EventBridge event that does not come from CloudTrail', first: 'record 2 at line 1 column ' + (JSON.stringify(eventBridge(iam[0])).length + 3) + ': detail-type "EC2 Instance State-change Notification"' }],
    });
  });

  it('CloudWatch Logs FilterLogEvents / GetLogEvents output: one record per log event', async () => {
    const p = fx.write('filter.json', JSON.stringify({ events: iam.map(logEvent), searchedLogStreams: [{ logStreamName: 'x', searchedCompletely: true }], nextToken: 'abc' }));
    const g = fx.write('get.json', JSON.stringify({ events: ct.map(logEvent), nextForwardToken: 'f/1', nextBackwardToken: 'b/1' }, null, 1));
    const { records, byPath } = await readAll([p, g]);
    expect(records.map((r) => r.record)).toEqual([...iam, ...ct]);
    expect(byPath(p)).toMatchObject({ kind: 'cloudwatch-logs-export', status: 'processed', records: iam.length });
    expect(byPath(g)).toMatchObject({ kind: 'cloudwatch-logs-export', status: 'processed', records: ct.length });
  });

  it('CloudWatch Logs export task: gzipped "<time> <json>" lines', async () => {
    const text = iam.map((r) => `${String(r.eventTime).replace('Z', '.000Z')} ${JSON.stringify(r)}`).join('\n') + '\n';
    const p = fx.write('exportedlogs/task-1/123456789012_CloudTrail_us-east-1/000000.gz', gzipSync(text));
    const { records, byPath } = await readAll([fx.dir]);
    expect(records.map((r) => r.record)).toEqual(iam);
    expect(records.map((r) => r.line)).toEqual(iam.map((_, i) => i + 1));
    expect(byPath(p)).toMatchObject({ kind: 'cloudwatch-logs-export', status: 'processed', records: iam.length });
  });

  it('log events as JSON lines (e.g. jq over FilterLogEvents output)', async () => {
    const p = fx.write('events.ndjson', iam.map((r, i) => JSON.stringify(logEvent(r, i))).join('\n'));
    const { records, byPath } = await readAll([p]);
    expect(records.map((r) => r.record)).toEqual(iam);
    expect(byPath(p)).toMatchObject({ kind: 'cloudwatch-logs-export', records: iam.length });
  });

  it('a single record object, and JSON lines detected without the extension', async () => {
    const one = fx.write('one.json', JSON.stringify(ec2[0], null, 2));
    const lines = fx.write('lines.json', iam.map((r) => JSON.stringify(r)).join('\n'));
    const { records, byPath } = await readAll([one, lines]);
    expect(records.map((r) => r.record)).toEqual([ec2[0], ...iam]);
    expect(records.map((r) => r.line)).toEqual([1, 1, 2, 3]);
    expect(byPath(one)).toMatchObject({ kind: 'cloudtrail-record', records: 1 });
    expect(byPath(lines)).toMatchObject({ kind: 'json-lines', records: iam.length });
  });

  it('reads stdin for "-" (gzipped here), between other inputs', async () => {
    const a = fx.write('a.json', JSON.stringify(iam));
    const stdin = Readable.from([gzipSync(JSON.stringify({ Records: ct }))]);
    const { records, inputs } = await readAll([a, '-', a], { stdin });
    expect(records.map((r) => r.record)).toEqual([...iam, ...ct]);
    expect(records.filter((r) => r.path === STDIN_PATH)).toHaveLength(ct.length);
    expect(inputs.map((i) => [i.path, i.status])).toEqual([
      [a, 'processed'],
      [STDIN_PATH, 'processed'],
      [a, 'skipped'],
    ]);
    expect(inputs[1].kind).toBe('cloudtrail-log');
  });

  it('reads a named pipe given by name, as process substitution passes it', async () => {
    const { execFileSync } = await import('node:child_process');
    const { createWriteStream } = await import('node:fs');
    const fifo = join(fx.dir, 'events');
    execFileSync('mkfifo', [fifo]);
    const w = createWriteStream(fifo);
    w.end(gzipSync(iam.map((r) => JSON.stringify(r)).join('\n')));
    const { records, inputs } = await readAll([fifo]);
    expect(records.map((r) => r.record)).toEqual(iam);
    expect(inputs).toEqual([expect.objectContaining({ path: fifo, status: 'processed', kind: 'json-lines', records: iam.length })]);
  });

  it('reads with tiny chunks: a UTF-8 character or gzip block split between reads changes nothing', async () => {
    const recs = iam.map((r, i) => ({ ...r, note: `é€😀 ${i}` }));
    const p = fx.write('u.json.gz', gzipSync(JSON.stringify({ Records: recs })));
    const { records } = await readAll([p], { chunkBytes: 7 });
    expect(records.map((r) => r.record)).toEqual(recs);
  });
});

describe('readCloudTrail: bad input is reported and the other files are still read', () => {
  /** Good files around the bad one: all their records must come through. */
  function goodAround() {
    const before = fx.write('a-good.json.gz', gzipSync(JSON.stringify({ Records: iam })));
    const after = fx.write('z-good.json', JSON.stringify(ct));
    return { before, after, expected: iam.length + ct.length };
  }

  async function readDir() {
    const r = await readAll([fx.dir]);
    const good = r.records.filter((x) => /[az]-good/.test(x.path));
    return { ...r, good };
  }

  it('corrupt gzip: error with the reason; records decompressed before the damage still come', async () => {
    const { expected } = goodAround();
    const gz = gzipSync(JSON.stringify({ Records: ec2 }));
    gz[gz.length - 6] ^= 0xff; // the CRC: every byte inflates, the check fails at the end
    const bad = fx.write('m-bad.json.gz', gz);
    const { good, byPath, records } = await readDir();
    expect(good).toHaveLength(expected);
    const input = byPath(bad)!;
    expect(input.status).toBe('error');
    expect(input.reason).toMatch(/^corrupt gzip: incorrect data check \(within the first \d+ compressed bytes\)/);
    expect(input.sha256).toBe(createHash('sha256').update(gz).digest('hex'));
    expect(input.bytes).toBe(gz.length);
    // The damage is only found at the end, after the records were decompressed and read.
    expect(records.filter((r) => r.path === bad).length).toBe(input.records);
  });

  it('corrupt gzip header data: error naming it', async () => {
    const { expected } = goodAround();
    const gz = gzipSync(JSON.stringify({ Records: ec2 }));
    for (let i = 20; i < 60; i++) gz[i] = 0xff;
    const bad = fx.write('m-bad.json.gz', gz);
    const { good, byPath } = await readDir();
    expect(good).toHaveLength(expected);
    expect(byPath(bad)).toMatchObject({ status: 'error', reason: expect.stringMatching(/^corrupt gzip: /) });
  });

  it('truncated gzip: error, records before the cut are kept', async () => {
    const { expected } = goodAround();
    const gz = gzipSync(JSON.stringify({ Records: many }));
    const bad = fx.write('m-bad.json.gz', gz.subarray(0, Math.floor(gz.length * 0.7)));
    const { good, byPath, records } = await readDir();
    expect(good).toHaveLength(expected);
    const input = byPath(bad)!;
    expect(input.status).toBe('error');
    expect(input.reason).toMatch(/^truncated (gzip|JSON)/);
    const got = records.filter((r) => r.path === bad);
    expect(got.length).toBe(input.records);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(many.length);
    expect(got.map((r) => r.record)).toEqual(many.slice(0, got.length));
  });

  it('truncated JSON: error naming line, column and record; earlier records kept', async () => {
    const { expected } = goodAround();
    const bad = fx.write('m-bad.json', '[\n{"eventName":"A","eventID":"1"},\n{"eventName":"B","eve');
    const { good, byPath, records } = await readDir();
    expect(good).toHaveLength(expected);
    expect(byPath(bad)).toMatchObject({
      status: 'error',
      records: 1,
      reason: 'truncated JSON at line 3 column 22 (record 2): the input ends inside a record; 1 record read before it',
    });
    expect(records.filter((r) => r.path === bad).map((r) => r.record.eventName)).toEqual(['A']);
  });

  it('invalid JSON inside a record: that record is reported by place, the rest of the file is read', async () => {
    const { expected } = goodAround();
    const bad = fx.write('m-bad.jsonl', '{"eventName":"A"}\n{"eventName":"B",}\n{"eventName":"C"}\n');
    const { good, byPath, records } = await readDir();
    expect(good).toHaveLength(expected);
    expect(records.filter((r) => r.path === bad).map((r) => r.record.eventName)).toEqual(['A', 'C']);
    const input = byPath(bad)!;
    expect(input).toMatchObject({ status: 'error', records: 2 });
    expect(input.skippedRecords).toEqual([{ count: 1, reason: 'invalid JSON', first: expect.stringMatching(/^invalid JSON at line 2 column 18 \(record 2\): /) }]);
    expect(input.reason).toMatch(/^1 record not read: invalid JSON; first: invalid JSON at line 2 column 18 \(record 2\)/);
  });

  it('unknown shape: a file of only unknown shapes is skipped with the reason; mixed files count them', async () => {
    const { expected } = goodAround();
    const only = fx.write('m-config.json', JSON.stringify({ configurationItems: [{ resourceType: 'AWS::S3::Bucket' }] }));
    const mixed = fx.write('m-mixed.json', JSON.stringify([iam[0], { hello: 'world' }, 42, iam[1]]));
    const { good, byPath } = await readDir();
    expect(good).toHaveLength(expected);
    expect(byPath(only)).toMatchObject({
      status: 'skipped',
      kind: 'unknown',
      records: 0,
      reason: 'no CloudTrail records, 1 element skipped: not a CloudTrail record (unknown shape); first: record 1 at line 1 column 1: an object with keys "configurationItems"',
    });
    expect(byPath(mixed)).toMatchObject({
      status: 'processed',
      records: 2,
      skippedRecords: [{ count: 2, reason: 'not a CloudTrail record (unknown shape)', first: expect.stringContaining('record 2 at line 1 column') }],
    });
  });

  it('oversized record: skipped and counted, the file is in error, the rest read', async () => {
    const { expected } = goodAround();
    const big = { ...iam[0], requestParameters: { policyDocument: 'x'.repeat(5000) } };
    const bad = fx.write('m-big.json.gz', gzipSync(JSON.stringify({ Records: [iam[1], big, iam[2]] })));
    const { good, byPath, records } = await readDir();
    expect(good).toHaveLength(expected);
    expect(records.filter((r) => r.path === bad).map((r) => r.record)).toEqual([iam[1], big, iam[2]]);
    // Default limit (4 MiB) lets the big record through; a lower one does not.
    const limited = await readAll([bad], { maxRecordBytes: 4096 });
    expect(limited.records).toHaveLength(2);
    expect(limited.inputs[0]).toMatchObject({
      status: 'error',
      records: 2,
      skippedRecords: [{ count: 1, reason: 'over the record size limit', first: expect.stringMatching(/^record 2 at line 1 column \d+ has \d+ characters, over the 4 KiB limit$/) }],
    });
    expect(limited.inputs[0].reason).toMatch(/^1 record not read: over the record size limit; first: record 2/);
  });

  it('missing file: an error input, the others read', async () => {
    const { before, after, expected } = goodAround();
    const missing = join(fx.dir, 'nope.json');
    const { records, inputs } = await readAll([before, missing, after]);
    expect(records).toHaveLength(expected);
    expect(inputs.map((i) => [i.path, i.status])).toEqual([
      [before, 'processed'],
      [missing, 'error'],
      [after, 'processed'],
    ]);
    expect(inputs[1]).toMatchObject({ kind: 'unknown', records: 0, sha256: null, reason: 'no such file or directory' });
  });

  it('empty files (plain and gzipped) are skipped as empty', async () => {
    const { expected } = goodAround();
    const empty = fx.write('m-empty.json', '');
    const emptyGz = fx.write('m-empty.json.gz', gzipSync(''));
    const blank = fx.write('m-blank.jsonl', '\n\n  \n');
    const { good, byPath } = await readDir();
    expect(good).toHaveLength(expected);
    expect(byPath(empty)).toMatchObject({ status: 'skipped', records: 0, bytes: 0, reason: 'empty file' });
    expect(byPath(emptyGz)).toMatchObject({ status: 'skipped', records: 0, reason: 'no records: the input holds only whitespace' });
    expect(byPath(blank)).toMatchObject({ status: 'skipped', records: 0, reason: 'no records: the input holds only whitespace' });
  });

  it('an empty Records envelope is a processed log with no records', async () => {
    const p = fx.write(logName(1), gzipSync('{"Records":[]}'));
    const { byPath } = await readAll([p]);
    expect(byPath(p)).toMatchObject({ status: 'processed', kind: 'cloudtrail-log', records: 0 });
  });

  it('not JSON at all, and archives we do not open', async () => {
    const { expected } = goodAround();
    const text = fx.write('m-text.json', 'hello world\n');
    const zip = fx.write('m-zip.json', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]));
    const { good, byPath } = await readDir();
    expect(good).toHaveLength(expected);
    expect(byPath(text)).toMatchObject({ status: 'error', reason: 'invalid JSON at line 1 column 1: expected a JSON object or array, found "h"' });
    expect(byPath(zip)).toMatchObject({ status: 'error', reason: 'unsupported input: the file is a zip archive; decompress it first' });
  });
});

describe('readCloudTrail: directories', () => {
  it('skips digests and non-event files with a reason, accounting for every file', async () => {
    const log = fx.write(logName(2), gzipSync(JSON.stringify({ Records: iam })));
    const digest = fx.write(
      `AWSLogs/${ACCT}/CloudTrail-Digest/us-east-1/2024/07/30/${ACCT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20240730T130000Z.json.gz`,
      gzipSync(JSON.stringify({ digestStartTime: 'x', logFiles: [] })),
    );
    const readme = fx.write('README.md', '# notes');
    const hidden = fx.write('.DS_Store', 'x');
    const { records, inputs } = await readAll([fx.dir]);
    expect(records).toHaveLength(iam.length);
    expect(inputs.map((i) => [i.path, i.status, i.kind])).toEqual([
      [hidden, 'skipped', 'unknown'],
      [log, 'processed', 'cloudtrail-log'],
      [digest, 'skipped', 'cloudtrail-digest'],
      [readme, 'skipped', 'unknown'],
    ]);
    expect(inputs[2].reason).toBe('CloudTrail digest file: checked by validate-logs, holds no events');
    expect(inputs[3].reason).toMatch(/^not an event file/);
  });

  it('a digest named on the command line is skipped too; a digest copied elsewhere is recognised by content', async () => {
    const copied = fx.write('digest-copy.json', JSON.stringify({ digestStartTime: '2024-01-01T00:00:00Z', logFiles: [] }));
    const { inputs } = await readAll([copied]);
    expect(inputs[0]).toMatchObject({ status: 'skipped', kind: 'cloudtrail-digest' });
  });

  it('reads each file once, even through a symlink loop or when named twice', async () => {
    const a = fx.write('d/a.json', JSON.stringify(iam));
    symlinkSync(fx.dir, join(fx.dir, 'd', 'loop'));
    const { records, inputs } = await readAll([fx.dir, a]);
    expect(records).toHaveLength(iam.length);
    expect(inputs.filter((i) => i.status === 'processed')).toHaveLength(1);
    expect(inputs.every((i) => i.status !== 'error')).toBe(true);
  });

  it('stops cleanly when the consumer stops early', async () => {
    fx.write('a.json', JSON.stringify(iam));
    fx.write('b.json', JSON.stringify(ct));
    const seen: string[] = [];
    for await (const r of readCloudTrail([fx.dir], { onInput: (i) => seen.push(i.path) })) {
      expect(r.record.eventName).toBe(iam[0].eventName);
      break;
    }
    expect(seen).toEqual([]);
  });
});
