/**
 * The backfill as its state machine runs it. The Distributed Map is emulated from the synthesized
 * definition itself: its ItemReader's bucket and prefix are listed with the real S3 client (the
 * items Step Functions' s3:listObjectsV2 reader gives: Key, Size, ETag, StorageClass), cut into
 * batches of ItemBatcher.MaxItemsPerBatch, each carrying ItemBatcher.BatchInput resolved against
 * the execution's input, and handed to the bundle's real `handler`; then the Merge task's payload.
 * One batch is run twice, as a retried Map iteration would be.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as s3 from '@aws-sdk/client-s3';
import { handler } from '../../src/lambda/backfill-entry';
import type { BackfillBatchEvent } from '../../src/model/lambda-events';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { findingsSchemaProblems } from '../../reports/json';
import { backfillDefinition } from '../../stacks/backfill-definition';
import { REPO } from '../support/paths';
import { singleDesViaTripleDes } from '../support/s3rver-tokens';
import { RecordingProxy } from './support/recording-proxy';
import { asList, ref, synth, type Statement } from '../stacks/support';
import { allows } from './support/iam';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

const ARCHIVE = 'acme-audit';
const FUNCTIONS = 'acme-functions';
const STRATUS = join(REPO, 'samples', 'cloudtrail', 'stratus-red-team');
const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));

let srv: { close(): Promise<void> };
let restore: () => void;
let proxy: RecordingProxy;
let client: s3.S3Client;
const saved = { ...process.env };
const definition = backfillDefinition({ partition: 'aws', functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:trailproof-backfill', archiveBucket: ARCHIVE, resultsBucket: FUNCTIONS, resultsPrefix: 'reports/backfill/', itemsPerBatch: 8, maxConcurrency: 4 }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  restore = singleDesViaTripleDes();
  const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 'tp-backfill-')), configureBuckets: [{ name: ARCHIVE }, { name: FUNCTIONS }] });
  const addr = (await s.run()) as { port: number };
  srv = s;
  const endpoint = `http://127.0.0.1:${addr.port}`;
  client = new s3.S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  for (const f of walk(join(STRATUS, 'AWSLogs'))) await client.send(new s3.PutObjectCommand({ Bucket: ARCHIVE, Key: relative(STRATUS, f), Body: readFileSync(f) }));
  await client.send(new s3.PutObjectCommand({ Bucket: ARCHIVE, Key: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/08/01/d.json.gz', Body: 'digest' }));
  proxy = new RecordingProxy(endpoint);
  await proxy.start();
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: proxy.endpoint, TRAILPROOF_REPORTS_BUCKET: FUNCTIONS, TRAILPROOF_REPORTS_PREFIX: 'reports/backfill/' });
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  await srv.close();
  await proxy.stop();
  client.destroy();
  restore();
  process.env = saved;
});

/** `$.x` from the execution input, `$$.Execution.Name` from the context object. */
function resolvePaths(template: Record<string, unknown>, input: Record<string, unknown>, executionName: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) {
    if (!k.endsWith('.$')) out[k] = v;
    else if (v === '$$.Execution.Name') out[k.slice(0, -2)] = executionName;
    else out[k.slice(0, -2)] = input[String(v).replace(/^\$\./, '')];
  }
  return out;
}

async function listItems(bucket: string, prefix: string): Promise<BackfillBatchEvent['Items']> {
  const items: BackfillBatchEvent['Items'] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 10 }));
    for (const o of page.Contents ?? []) items.push({ Key: o.Key!, Size: o.Size, ETag: o.ETag, StorageClass: o.StorageClass });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return items;
}

async function execute(name: string, input: Record<string, unknown>, tweak?: (items: BackfillBatchEvent['Items']) => void) {
  const map = definition.States.ScanArchive;
  const reader = resolvePaths(map.ItemReader.Parameters, input, name);
  const items = await listItems(String(reader.Bucket), String(reader.Prefix));
  tweak?.(items);
  const batchInput = resolvePaths(map.ItemBatcher.BatchInput, input, name) as BackfillBatchEvent['BatchInput'];
  const size = map.ItemBatcher.MaxItemsPerBatch as number;
  const batches: BackfillBatchEvent[] = [];
  for (let i = 0; i < items.length; i += size) batches.push({ Items: items.slice(i, i + size), BatchInput: batchInput });
  const summaries = [];
  for (const b of batches) summaries.push(await handler(b));
  await handler(batches[0]); // a retried iteration writes the same batch document again
  const merged = await handler(resolvePaths(definition.States.Merge.Parameters.Payload, input, name) as { runId: string });
  return { items, batches, summaries, merged };
}

async function document(runId: string) {
  const r = await client.send(new s3.GetObjectCommand({ Bucket: FUNCTIONS, Key: `reports/backfill/${runId}/findings.json` }));
  return JSON.parse(await r.Body!.transformToString());
}

test('the archive in batches, merged into one findings.json: the findings `trailproof scan` gives for the same files', async () => {
  const { items, batches, merged } = await execute('run-all', { prefix: 'AWSLogs/', since: '2024-01-01', until: '2024-12-31' });
  expect(items.length).toBe(36);
  expect(batches.length).toBe(5);
  const doc = await document('run-all');
  expect(findingsSchemaProblems(doc)).toEqual([]);
  const cli = await runScan({ pack: loadRulePack(), events: [join(STRATUS, 'AWSLogs')] });
  const cliFindings = [...cli.findings];
  cli.findings.close();
  expect(doc.findings.map((f: { id: string }) => f.id).sort()).toEqual(cliFindings.map((f) => f.id).sort());
  expect(doc.summary.events).toBe(cli.summary.events);
  expect(merged).toMatchObject({ runId: 'run-all', batches: 5, inputs: 36, findings: cliFindings.length });
  const inputs = doc.inputs as { path: string; status: string; reason?: string }[];
  expect(inputs.filter((i) => i.status === 'processed')).toHaveLength(35);
  expect(inputs.find((i) => i.path.includes('CloudTrail-Digest'))).toMatchObject({ status: 'skipped', reason: 'not a CloudTrail log file key' });
});

test('the window skips the days outside it; an object in Glacier is an error that says to restore it', async () => {
  const { merged } = await execute('run-window', { prefix: 'AWSLogs/', since: '2024-08-01', until: '2024-08-01' }, (items) => {
    const first = items.find((i) => i.Key.includes('/2024/08/01/'))!;
    first.StorageClass = 'GLACIER';
  });
  const doc = await document('run-window');
  const inputs = doc.inputs as { path: string; status: string; reason?: string }[];
  const outside = inputs.filter((i) => i.reason?.startsWith('outside the window'));
  expect(outside.length).toBeGreaterThan(0);
  expect(outside.every((i) => !i.path.includes('/2024/08/01/'))).toBe(true);
  expect(inputs.filter((i) => i.status === 'error')).toEqual([expect.objectContaining({ reason: 'in GLACIER: restore the object before a backfill can read it' })]);
  const read = inputs.filter((i) => i.status === 'processed');
  expect(read.length).toBeGreaterThan(0);
  expect(read.every((i) => i.path.includes('/2024/08/01/'))).toBe(true);
  expect(merged).toMatchObject({ inputs: 36 });
});

test('the backfill role allows every S3 call the function made', () => {
  const st = synth({ account: '111122223333', backfill: { enabled: true } });
  try {
    const statements = st.policy('aws_iam_role_policy', 'backfill_role_policy') as Statement[];
    const arnOf = (b: string) => ref('aws_s3_bucket', b === ARCHIVE ? 'audit_bucket' : 'functions_bucket', 'arn');
    const ops = new Set(proxy.calls.map((c) => c.op));
    expect([...ops].sort()).toEqual(['GetObject', 'ListObjectsV2', 'PutObject']);
    const denied = proxy.calls.filter((c) =>
      c.op === 'ListObjectsV2' ? !allows(statements, 's3:ListBucket', arnOf(c.bucket), c.prefix) : !allows(statements, c.op === 'GetObject' ? 's3:GetObject' : 's3:PutObject', `${arnOf(c.bucket)}/${c.key}`),
    );
    expect(denied).toEqual([]);
  } finally {
    st.cleanup();
  }
});
