/**
 * The S3 path with the real SDK v3 client against s3rver on loopback (metadata signatures,
 * ListObjectsV2 pages, NoSuchKey), and ListPublicKeys with the real CloudTrail client against a
 * loopback AWS JSON 1.1 server. Nothing stubs `send`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { singleDesViaTripleDes } from '../support/s3rver-tokens';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as s3 from '@aws-sdk/client-s3';
import * as ct from '@aws-sdk/client-cloudtrail';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');
import { S3ObjectStore } from '../../src/sources/s3-object-store';
import { LiveKeyProvider } from '../../src/integrity/key-provider';
import { validateLogs } from '../../src/integrity/validate';
import { toFindings } from '../../src/integrity/to-findings';
import { command } from '../../src/cli/commands/validate-logs';
import type { FileSubject, FindingsDocument } from '../../src/model/finding';
import { findingsSchemaProblems } from '../../reports/json';
import { addBackfill, BucketTree, buildTrail, type BuiltTrail, makeKey, type SigningKey, type TrailSpec } from './fixture';
import { type CloudTrailLoopback, startCloudTrail } from './cloudtrail-server';

const BUCKET = 'org-audit';
const CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const ORG: TrailSpec = { account: '123456789012', region: 'us-east-1', homeRegion: 'us-east-1', trailName: 'org', orgId: 'o-exampleorg1', prefix: 'trail' };
const WEST: TrailSpec = { ...ORG, region: 'eu-west-1' };
const FIRST_END = new Date('2026-11-20T01:01:31Z');

let server: { close(): Promise<void> };
let endpoint: string;
let dir: string;
let client: S3Client;
let ctServer: CloudTrailLoopback;
let east: BuiltTrail;
let west: BuiltTrail;
let eastKey: SigningKey;
let westKey: SigningKey;
let rotatedKey: SigningKey;
let backfillKey: SigningKey;
let backfill: { digest: string; log: string };
const BACKFILL_AT = new Date('2026-11-21T10:00:00Z');
const envBefore = { ...process.env };

let restoreCrypto: () => void;

beforeAll(async () => {
  restoreCrypto = singleDesViaTripleDes();
  dir = mkdtempSync(join(tmpdir(), 'tp-s3rver-'));
  const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const addr = (await s.run()) as { port: number };
  server = { close: () => s.close() };
  endpoint = `http://127.0.0.1:${addr.port}`;
  client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDS });

  eastKey = makeKey();
  westKey = makeKey();
  rotatedKey = makeKey();
  const tree = new BucketTree(BUCKET);
  // The east key rotates after hour 3: later digests name the new key, which is on page 2 of ListPublicKeys.
  east = buildTrail(tree, ORG, { key: eastKey, firstEnd: FIRST_END, hours: 6, signer: (h) => (h > 3 ? rotatedKey : undefined), mutate: (h, c) => void (h > 3 && (c.digestPublicKeyFingerprint = rotatedKey.fingerprint)) });
  west = buildTrail(tree, WEST, { key: westKey, firstEnd: FIRST_END, hours: 6 });
  // A backfill digest generated the next day, signed with a key listed only around that time.
  backfillKey = makeKey();
  backfill = addBackfill(tree, ORG, backfillKey, new Date('2026-11-20T03:01:31Z'), BACKFILL_AT);
  await Promise.all([...tree.objects].map(([Key, o]) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: o.body, Metadata: o.metadata }))));
  ctServer = await startCloudTrail({ keys: {
      'us-east-1': [eastKey, rotatedKey, { key: backfillKey, from: new Date('2026-11-21T09:30:00Z'), to: new Date('2026-11-21T10:30:00Z') }],
      'eu-west-1': [westKey],
    }, throttleFirst: 1, validity: [new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')] });
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' });
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  restoreCrypto?.();
  process.env = envBefore;
  await server?.close();
  await ctServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

function liveKeys(): LiveKeyProvider {
  return new LiveKeyProvider(ct, (region) => new ct.CloudTrailClient({ region, endpoint: ctServer.url, credentials: CREDS }));
}

test('S3 through the SDK: pages of 4 keys, metadata signatures, keys per region with rotation, a missing log', async () => {
  const missing = east.logs[2][0];
  await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: missing }));
  ctServer.calls.length = 0;
  const result = await validateLogs({
    store: new S3ObjectStore(s3, client, 4),
    bucket: BUCKET,
    prefix: 'trail',
    start: new Date('2026-11-20T00:00:00Z'),
    end: new Date('2026-11-20T06:00:00Z'),
    filters: {},
    keys: liveKeys(),
    concurrency: 3,
    uncovered: true,
  });
  const { findings } = toFindings(result);
  const failing = findings.filter((f) => f.status !== 'pass').map((f) => `${f.ruleId} ${(f.subject as FileSubject).key} ${(f.evidence.reasons as { code: string }[]).map((r) => r.code)}`);
  expect(failing).toEqual([`integrity.log-file ${missing} not-found`]);
  expect(findings.filter((f) => f.ruleId === 'integrity.digest-file' && f.status === 'pass')).toHaveLength(13);
  expect(findings.filter((f) => f.ruleId === 'integrity.log-file' && f.status === 'pass')).toHaveLength(24);
  expect(findings.find((f) => (f.subject as FileSubject).key === backfill.digest)?.message).toBe('(backfill) digest valid');
  expect(result.errors).toEqual([]);
  // one ListPublicKeys per region (the east one paged), window padded by two hours at the end
  const byRegion = ctServer.calls.map((c) => `${c.region} ${c.startTime} ${c.endTime} ${c.nextToken ?? '-'}`).sort();
  const s = Date.parse('2026-11-20T00:00:00Z') / 1000;
  const e = Date.parse('2026-11-20T08:00:00Z') / 1000;
  // and a lazy listing for the backfill digest, an hour either side of its generation time (spec A.4);
  // three keys are valid then, one per page
  const b0 = BACKFILL_AT.getTime() / 1000 - 3600;
  const b1 = BACKFILL_AT.getTime() / 1000 + 3600;
  expect(byRegion).toEqual([`eu-west-1 ${s} ${e} -`, `us-east-1 ${s} ${e} -`, `us-east-1 ${s} ${e} 1`, `us-east-1 ${b0} ${b1} -`, `us-east-1 ${b0} ${b1} 1`, `us-east-1 ${b0} ${b1} 2`]);
  // the first call was throttled and the SDK's retry got through
  expect(ctServer.throttled()).toBe(1);
});

test('S3 listing: pages of 2 from StartAfter, folders under a nested layout, NoSuchKey as absent, metadata lowercased', async () => {
  const store = new S3ObjectStore(s3, client, 2);
  const keys: string[] = [];
  for await (const k of store.listKeys(BUCKET, 'trail/AWSLogs/o-exampleorg1/123456789012/CloudTrail-Digest/eu-west-1/', 'trail/AWSLogs/o-exampleorg1/123456789012/CloudTrail-Digest/eu-west-1/2026/11/19')) keys.push(k);
  expect(keys).toEqual(west.digests);
  expect(await store.listFolders(BUCKET, 'trail/AWSLogs/')).toEqual(['trail/AWSLogs/o-exampleorg1/']);
  expect(await store.get(BUCKET, 'trail/no/such/key')).toBeUndefined();
  const d = await store.get(BUCKET, west.digests[0]!);
  expect(d?.metadata['signature-algorithm']).toBe('SHA256withRSA');
  expect(d?.metadata.signature).toMatch(/^[0-9a-f]{512}$/);
});

test('the command end to end over S3 and live keys: findings.json in the contract, exit 1, digest deleted', async () => {
  await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: west.digests[3]! }));
  const out = mkdtempSync(join(tmpdir(), 'tp-out-'));
  const write = process.stdout.write.bind(process.stdout);
  let printed = '';
  process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await command.run([
      '--s3-bucket', BUCKET, '--s3-prefix', 'trail', '--start-time', '2026-11-20T00:00:00Z', '--end-time', '2026-11-20T06:00:00Z',
      '--endpoint-url', endpoint, '--cloudtrail-endpoint-url', ctServer.url, '--region', 'eu-west-1', '--out', out,
    ]);
  } finally {
    process.stdout.write = write;
  }
  expect(code).toBe(1);
  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
  expect(findingsSchemaProblems(doc)).toEqual([]);
  const failing = doc.findings.filter((f) => f.status === 'fail').map((f) => `${f.ruleId} ${(f.subject as FileSubject).key}`);
  expect(failing.sort()).toEqual([`integrity.digest-file ${west.digests[3]}`, ...west.logs[3].map((l) => `integrity.log-uncovered ${l}`)].sort());
  // only eu-west-1 was asked for
  expect(new Set(doc.findings.map((f) => (f.subject as FileSubject).region))).toEqual(new Set(['eu-west-1']));
  expect(printed).toContain(`Digest file\ts3://${BUCKET}/${west.digests[3]}\tINVALID: not found`);
  expect(printed).toContain('5/6 digest files valid, 1/6 digest files INVALID');
  rmSync(out, { recursive: true, force: true });
});
