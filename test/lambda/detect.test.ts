/**
 * The per-delivery detection function end to end, as deployed: real CloudTrail log files put into
 * s3rver, whose S3 event notification for each put is sent (real SQS client) to a loopback SQS
 * queue with a redrive policy; an event source mapping driver receives batches and invokes the
 * bundle's real `handler` export, configured only through the environment the stack sets, whose
 * real SDK clients reach S3 (s3rver) and the loopback Security Hub, EventBridge and SNS over HTTP
 * through the SDK's own AWS_ENDPOINT_URL_<SERVICE> settings.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as s3 from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildLambdaAsset } from '../../src/lambda/bundle';
import { handler, resetForTests } from '../../src/lambda/detect-entry';
import { NO_SCHEMA_CACHE } from '../../src/lambda/environment';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { REPO } from '../support/paths';
import { drain, pollOnce } from './support/event-source';
import { type Json, LoopbackAws } from './support/loopback-aws';
import { RecordingProxy } from './support/recording-proxy';
import { synth, ref, asList, type Statement } from '../stacks/support';
import { allows } from './support/iam';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

const TRAIL_BUCKET = 'acme-audit-trail';
const STATE_BUCKET = 'acme-detection-state';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:trailproof-security-alarms';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:111122223333:trailproof-detect';
const STRATUS = join(REPO, 'samples', 'cloudtrail', 'stratus-red-team');

function stratusFile(suffix: string): { key: string; path: string } {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const path = walk(join(STRATUS, 'AWSLogs')).find((p) => p.endsWith(`_${suffix}.json.gz`));
  if (!path) throw new Error(`no stratus file ${suffix}`);
  return { key: relative(STRATUS, path), path };
}

let s3rver: { close(): Promise<void>; on(ev: string, cb: (e: unknown) => void): void };
let s3client: s3.S3Client;
let aws: LoopbackAws;
let proxy: RecordingProxy;
let sqs: SQSClient;
let queueUrl: string;
let dlqUrl: string;
let notified: Promise<unknown>[] = [];
let stdout: string[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  aws = new LoopbackAws();
  await aws.start();
  dlqUrl = aws.createQueue('trailproof-detect-dlq');
  queueUrl = aws.createQueue('trailproof-detect', { redrive: { deadLetter: 'trailproof-detect-dlq', maxReceiveCount: 3 } });
  sqs = new SQSClient({ region: 'us-east-1', endpoint: aws.endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const srv = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 'tp-detect-')), configureBuckets: [{ name: TRAIL_BUCKET }, { name: STATE_BUCKET }] });
  const addr = (await srv.run()) as { port: number };
  s3rver = srv;
  // The trail bucket's notification configuration: its events to the queue, as S3 sends them.
  srv.on('event', (e: unknown) => {
    if ((e as Json).Records[0].s3.bucket.name !== TRAIL_BUCKET) return;
    notified.push(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(e) })));
  });
  // The functions reach s3rver through a recorder (their S3 calls are held to their IAM policy below).
  proxy = new RecordingProxy(`http://127.0.0.1:${addr.port}`);
  const s3endpoint = await proxy.start();
  s3client = new s3.S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${addr.port}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: s3endpoint,
    AWS_ENDPOINT_URL_SECURITYHUB: aws.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
    AWS_ENDPOINT_URL_SNS: aws.endpoint,
    TRAILPROOF_SECURITY_HUB: 'true',
    TRAILPROOF_EVENT_BUS: 'default',
    TRAILPROOF_TOPIC_ARN: TOPIC,
    TRAILPROOF_STATE_BUCKET: STATE_BUCKET,
    TRAILPROOF_METRIC_NAMESPACE: 'CISBenchmark',
  });
  delete process.env.AWS_PROFILE;
  resetForTests();
});

afterAll(async () => {
  await s3rver.close();
  await proxy.stop();
  await aws.stop();
  sqs.destroy();
  s3client.destroy();
  process.env = savedEnv;
});

beforeEach(() => {
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  aws.faults = [];
});
afterEach(() => jest.restoreAllMocks());

async function deliver(file: { key: string; path: string }, body?: Buffer): Promise<void> {
  await s3client.send(new s3.PutObjectCommand({ Bucket: TRAIL_BUCKET, Key: file.key, Body: body ?? readFileSync(file.path) }));
  // s3rver emits the notification as it answers the put; wait for it to be on the queue.
  for (let i = 0; i < 50 && notified.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await Promise.all(notified);
  notified = [];
}

const invoke = () => drain(sqs, queueUrl, QUEUE_ARN, handler);
const json = () => stdout.filter((l) => l.startsWith('{'));
const emf = () => json().map((l) => JSON.parse(l) as Json).filter((d) => d._aws);
const logLines = () => json().map((l) => JSON.parse(l) as Json).filter((d) => d.messageId);

/** The findings `trailproof scan` gives for the same file: the function must give exactly these. */
async function cliFindingIds(path: string): Promise<string[]> {
  const doc = await runScan({ pack: loadRulePack(), events: [path] });
  const ids = [...doc.findings].map((f) => f.id).sort();
  doc.findings.close();
  return ids;
}

const hubIds = () => [...aws.hubFindings.values()].map((f) => f.Id as string);

describe('per-delivery detection', () => {
  test('a delivered log file: each finding once in Security Hub (ASFF with control mappings), on EventBridge and SNS; metrics as EMF', async () => {
    const file = stratusFile('awsdefenseevasioncloudtrailstop');
    await deliver(file);
    const rounds = await invoke();
    expect(rounds).toEqual([{ received: 1, failed: [] }]);

    const expected = await cliFindingIds(file.path);
    expect(expected.length).toBeGreaterThan(0);
    expect(hubIds().sort()).toEqual(expected);
    const f = [...aws.hubFindings.values()].find((x) => x.GeneratorId === 'trailproof/cis-cloudtrail-config-changes')!;
    expect(f).toMatchObject({
      SchemaVersion: '2018-10-08',
      AwsAccountId: '111122223333',
      ProductArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
      Severity: { Label: 'HIGH' },
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
    });
    // The rule's CIS mappings, labelled as Security Hub's own CIS standard labels its controls.
    expect(f.Compliance.RelatedRequirements).toEqual(expect.arrayContaining(['CIS AWS Foundations Benchmark v3.0.0/4.5', 'NIST.800-53.r5 AU-9']));
    expect(f.ProductFields['trailproof/EventName']).toBe('StopLogging');
    expect(f.ProductFields['trailproof/Source']).toBe(`s3://${TRAIL_BUCKET}/${file.key}`);
    // The event's account (the trail's) is a resource; the finding belongs to the importing account.
    expect(f.Resources[0]).toMatchObject({ Type: 'AwsAccount', Id: expect.stringMatching(/^AWS::::Account:\d{12}$/) });

    expect(aws.events.map((e) => e.Detail.findingId).sort()).toEqual(expected);
    expect(aws.events[0]).toMatchObject({ Source: 'trailproof', DetailType: 'trailproof finding', EventBusName: 'default' });
    expect(aws.snsMessages.map((m) => JSON.parse(m.message).findingId).sort()).toEqual(expected);
    expect(aws.snsMessages.every((m) => m.topic === TOPIC && /^\[(critical|high|medium|low|info)\] /.test(m.subject ?? ''))).toBe(true);

    // The rule's own metric, dimensionless in its namespace: what its CloudWatch alarm watches.
    const cis = emf().find((d) => d._aws.CloudWatchMetrics[0].Namespace === 'CISBenchmark')!;
    expect(cis._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'CISBenchmark', Dimensions: [[]], Metrics: [{ Name: 'cloudtrail_cfg_changes_metric', Unit: 'Count' }] });
    expect(cis.cloudtrail_cfg_changes_metric).toBe(expected.length);
    const ops = emf().find((d) => d._aws.CloudWatchMetrics[0].Namespace === 'trailproof/detection')!;
    expect(ops).toMatchObject({ Messages: 1, FailedMessages: 0, Files: 1, Findings: expected.length });
    expect(ops.Events).toBeGreaterThan(0);
  });

  test('a redelivered message and a re-put file make no second finding anywhere', async () => {
    const file = stratusFile('awsdefenseevasioncloudtrailstop');
    const before = { hub: aws.hubFindings.size, events: aws.events.length, sns: aws.snsMessages.length, imports: aws.callsOf('BatchImportFindings') };
    expect(before.hub).toBeGreaterThan(0);
    await deliver(file);
    expect(await invoke()).toEqual([{ received: 1, failed: [] }]);
    expect(aws.callsOf('BatchImportFindings')).toBe(before.imports + 1); // imported again, by the same Id
    expect(aws.hubFindings.size).toBe(before.hub);
    expect(aws.events.length).toBe(before.events);
    expect(aws.snsMessages.length).toBe(before.sns);
    expect(logLines()[0].published).toMatchObject({ eventbridge: { published: 0, alreadyPublished: before.events }, sns: { published: 0, alreadyPublished: before.sns } });
  });

  test('throttled calls and throttled entries are retried until every finding is out', async () => {
    const file = stratusFile('awscredentialaccessec2getpassworddata'); // 32 findings: several PutEvents and PublishBatch calls
    aws.faults = [
      { op: 'BatchImportFindings', kind: 'throttle', times: 2 },
      { op: 'PutEvents', kind: 'throttle', times: 1 },
      { op: 'PutEvents', kind: 'entry', code: 'ThrottlingException', times: 1 },
      { op: 'PublishBatch', kind: 'throttle', times: 1 },
    ];
    const imports = aws.callsOf('BatchImportFindings');
    const puts = aws.callsOf('PutEvents');
    await deliver(file);
    expect(await invoke()).toEqual([{ received: 1, failed: [] }]);
    const expected = await cliFindingIds(file.path);
    expect(expected.length).toBe(32);
    for (const id of expected) expect(hubIds()).toContain(id);
    expect(aws.callsOf('BatchImportFindings')).toBe(imports + 3); // two 429s, then the one call of 32
    // 4 calls of <= 10 entries, one refused whole, one with an entry retried
    expect(aws.callsOf('PutEvents')).toBe(puts + 4 + 1 + 1);
    const onBus = aws.events.map((e) => e.Detail.findingId);
    for (const id of expected) expect(onBus.filter((x) => x === id)).toHaveLength(1);
    const onTopic = aws.snsMessages.map((m) => JSON.parse(m.message).findingId);
    for (const id of expected) expect(onTopic.filter((x) => x === id)).toHaveLength(1);
  });

  test('partial batch failure: only the poison message, the missing object and the damaged file go back', async () => {
    const good = stratusFile('awspersistenceiamcreateuserloginprofile');
    await deliver(good);
    const damaged = stratusFile('awsexfiltrationrdssharesnapshot');
    await deliver(damaged, readFileSync(damaged.path).subarray(0, 200)); // a truncated gzip member
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not json at all' }));
    const missingKey = good.key.replace('.json.gz', '-gone.json.gz');
    const notification = JSON.parse(JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put', s3: { bucket: { name: TRAIL_BUCKET }, object: { key: missingKey, size: 1 } } }] }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(notification) }));

    const first = await pollOnce(sqs, queueUrl, QUEUE_ARN, handler);
    expect(first!.received).toBe(4);
    expect(first!.failed).toHaveLength(3);
    const lines = logLines();
    const ok = lines.filter((l) => l.ok);
    expect(ok).toHaveLength(1);
    expect(ok[0].inputs).toEqual([expect.objectContaining({ path: `s3://${TRAIL_BUCKET}/${good.key}`, status: 'processed' })]);
    const reasons = lines.filter((l) => !l.ok).map((l) => l.reason as string);
    expect(reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^poison message: body is not JSON/), expect.stringMatching(/cannot fetch: NoSuchKey/), expect.stringMatching(/rdssharesnapshot.*(gzip|truncated|unexpected end)/i)]),
    );
    // The good file's finding is out; the failed ones return and, after three receives, rest in the DLQ.
    expect(hubIds()).toEqual(expect.arrayContaining(await cliFindingIds(good.path)));
    const rounds = await invoke();
    expect(rounds.map((r) => r.failed.length)).toEqual([3, 3]);
    const dlq = await drain(sqs, dlqUrl, `${QUEUE_ARN}-dlq`, async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }));
    expect(dlq[0].received).toBe(3);
    expect(await pollOnce(sqs, queueUrl, QUEUE_ARN, handler)).toBeUndefined();
  });

  test('a finding Security Hub refuses fails the message; the redelivery publishes it and duplicates nothing', async () => {
    const file = stratusFile('awspersistenceiamcreateadminuser');
    aws.faults = [{ op: 'BatchImportFindings', kind: 'entry', code: 'InvalidInput', times: 1 }];
    const events = aws.events.length;
    await deliver(file);
    const rounds = await invoke();
    expect(rounds.map((r) => r.failed.length)).toEqual([1, 0]);
    expect(logLines()[0].reason).toMatch(/^securityhub: 1 of 3 findings not published \(first: InvalidInput: injected\)/);
    const expected = await cliFindingIds(file.path);
    for (const id of expected) expect(hubIds()).toContain(id);
    // EventBridge got all three on the first delivery and none on the second.
    expect(aws.events.length - events).toBe(expected.length);
  });

  test('with publishSeverities, low findings stay unpublished while their rule metric still counts them', async () => {
    process.env.TRAILPROOF_PUBLISH_SEVERITIES = 'critical,high,medium';
    resetForTests();
    try {
      const file = stratusFile('awsdiscoveryec2downloaduserdata'); // 17 low findings (cis-unauthorized-api-calls)
      const hub = aws.hubFindings.size;
      const imports = aws.callsOf('BatchImportFindings');
      await deliver(file);
      expect(await invoke()).toEqual([{ received: 1, failed: [] }]);
      expect(aws.callsOf('BatchImportFindings')).toBe(imports);
      expect(aws.hubFindings.size).toBe(hub);
      const cis = emf().find((d) => d._aws.CloudWatchMetrics[0].Namespace === 'CISBenchmark')!;
      expect(cis.unauthorized_api_calls_metric).toBe(17);
      expect(logLines()[0]).toMatchObject({ ok: true, findings: 17, published: {} });
    } finally {
      delete process.env.TRAILPROOF_PUBLISH_SEVERITIES;
      resetForTests();
    }
  });

  test('with a rule-metrics namespace (as the stacks set it), rule counts go there and nothing into the alarms\' namespace', async () => {
    process.env.TRAILPROOF_RULE_METRICS_NAMESPACE = 'trailproof/detection/rules';
    resetForTests();
    try {
      const file = stratusFile('awsdiscoveryec2downloaduserdata'); // 17 matches of cis-unauthorized-api-calls
      await deliver(file);
      expect(await invoke()).toEqual([{ received: 1, failed: [] }]);
      const namespaces = emf().map((d) => d._aws.CloudWatchMetrics[0].Namespace);
      expect(namespaces).not.toContain('CISBenchmark');
      const rules = emf().find((d) => d._aws.CloudWatchMetrics[0].Namespace === 'trailproof/detection/rules')!;
      expect(rules.unauthorized_api_calls_metric).toBe(17);
    } finally {
      delete process.env.TRAILPROOF_RULE_METRICS_NAMESPACE;
      resetForTests();
    }
  });

  test("S3's test event is consumed; a notification for a key outside the trail layout is skipped, not failed", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-12-01T10:00:00.000Z', Bucket: TRAIL_BUCKET, RequestId: 'R', HostId: 'H' }) }));
    await s3client.send(new s3.PutObjectCommand({ Bucket: TRAIL_BUCKET, Key: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/12/01/d.json.gz', Body: 'x' }));
    await Promise.all(notified);
    notified = [];
    expect(await invoke()).toEqual([{ received: 2, failed: [] }]);
    const skipped = logLines().flatMap((l) => l.inputs);
    expect(skipped).toEqual([expect.objectContaining({ status: 'skipped', reason: expect.stringContaining('not a CloudTrail log file key') })]);
  });

  test('the esbuild bundle, as Lambda loads it (a fresh Node process, no node_modules, rules beside it), does the same', async () => {
    const asset = buildLambdaAsset(join(mkdtempSync(join(tmpdir(), 'tp-asset-')), 'asset'));
    const file = stratusFile('awsexfiltrationec2shareami');
    await s3client.send(new s3.PutObjectCommand({ Bucket: TRAIL_BUCKET, Key: file.key, Body: readFileSync(file.path) }));
    await Promise.all(notified);
    notified = [];
    const body = JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put', s3: { bucket: { name: TRAIL_BUCKET }, object: { key: file.key } } }] });
    const event = { Records: [{ messageId: 'bundle-1', body, attributes: { ApproximateReceiveCount: '1' } }] };
    const script = join(asset.dir, 'run.js');
    writeFileSync(script, `require('./${asset.handlers.detect.replace(/\.handler$/, '.js')}').handler(${JSON.stringify(event)}, { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:f' }).then((r) => process.stderr.write('RESULT ' + JSON.stringify(r)))`);
    // The asset folder has no node_modules: everything the handler needs is in the bundle.
    // Asynchronously: s3rver and the loopback services answer from this process. Twice, as two
    // cold starts of the same code (the second finds whatever the first left beside the bundle).
    for (let i = 0; i < 2; i++) {
      const { stdout: out, stderr } = await promisify(execFile)(process.execPath, [script], { cwd: asset.dir, env: { ...process.env, ...NO_SCHEMA_CACHE, NODE_PATH: '' }, encoding: 'utf8' });
      expect(out).toMatch(/"ok":true/);
      expect(stderr).toMatch(/RESULT \{"batchItemFailures":\[\]\}/);
    }
    const expected = await cliFindingIds(file.path);
    expect(expected.length).toBeGreaterThan(0);
    for (const id of expected) expect(hubIds()).toContain(id);
  });

  test("the detection role allows every call the handler and its event source mapping made, and nothing they did not", () => {
    const st = synth({ account: '111122223333', detection: { enabled: true, eventBridge: true, sns: true } });
    try {
      const statements = st.policy('aws_iam_role_policy', 'detection_role_policy') as Statement[];
      // This test's names for the stack's resources.
      const auditArn = ref('aws_s3_bucket', 'audit_bucket', 'arn');
      const functionsArn = ref('aws_s3_bucket', 'functions_bucket', 'arn');
      const bucketArn = (b: string) => (b === TRAIL_BUCKET ? auditArn : b === STATE_BUCKET ? functionsArn : `arn:aws:s3:::${b}`);
      const needed = new Map<string, string>();
      for (const c of proxy.calls) {
        if (c.op === 'GetObject' || c.op === 'HeadObject') needed.set(`s3:GetObject ${bucketArn(c.bucket)}/${c.key}`, c.op);
        if (c.op === 'PutObject') needed.set(`s3:PutObject ${bucketArn(c.bucket)}/${c.key}`, c.op);
        // S3 answers a missing key with 404 only to a caller that may list the bucket.
        if (c.op === 'HeadObject' && c.status === 404) needed.set(`s3:ListBucket ${bucketArn(c.bucket)}`, 'HeadObject 404');
      }
      // Only the handler's own calls: the test's setup put the files, the driver's visibility resets are not Lambda's.
      for (const k of [...needed.keys()]) if (k.startsWith('s3:PutObject') && k.includes(`${auditArn}/`)) needed.delete(k);
      const ops: Record<string, string> = {
        BatchImportFindings: `securityhub:BatchImportFindings arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default`,
        PutEvents: 'events:PutEvents arn:aws:events:us-east-1:111122223333:event-bus/default',
        PublishBatch: `sns:Publish ${ref('aws_sns_topic', 'alarm_topic', 'arn')}`,
        'sqs:ReceiveMessage': `sqs:ReceiveMessage ${ref('aws_sqs_queue', 'detection_queue', 'arn')}`,
        'sqs:DeleteMessage': `sqs:DeleteMessage ${ref('aws_sqs_queue', 'detection_queue', 'arn')}`,
      };
      for (const [op, need] of Object.entries(ops)) if (aws.callsOf(op) > 0) needed.set(need, op);
      expect(needed.size).toBeGreaterThan(6);
      const missing = [...needed.keys()].filter((k) => !allows(statements, k.split(' ')[0], k.split(' ')[1]));
      expect(missing).toEqual([]);
      // The check can fail: without its ledger statement the role would miss the ledger's calls.
      const kept = statements.filter((x) => x.Sid !== 'ReadWriteLedger');
      expect([...needed.keys()].filter((k) => !allows(kept, k.split(' ')[0], k.split(' ')[1])).some((k) => k.includes('/state/published/'))).toBe(true);
      // Least privilege: every action granted was needed, except what no loopback can show: the
      // mapping's GetQueueAttributes, the runtime's log writes, and KMS, which S3 and SQS call on
      // the function's behalf for its encrypted objects and messages.
      const unseen = new Set(['sqs:GetQueueAttributes', 'logs:CreateLogStream', 'logs:PutLogEvents', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKey*']);
      const usedActions = new Set([...needed.keys()].map((k) => k.split(' ')[0]));
      const granted = statements.flatMap((x) => asList(x.Action) as string[]);
      expect(granted.filter((a) => !usedActions.has(a) && !unseen.has(a))).toEqual([]);
    } finally {
      st.cleanup();
    }
  });
});
