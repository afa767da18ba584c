/**
 * The scheduled posture scan's function as EventBridge Scheduler invokes it: the bundle's real
 * `handler` export, configured through the environment the stack sets, reading a loopback account
 * (test/posture's FakeAws, speaking each service's protocol) with the real SDK clients, writing its
 * reports to s3rver and its findings to the loopback Security Hub.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as s3 from '@aws-sdk/client-s3';
import { handler } from '../../src/lambda/posture-entry';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { findingsSchemaProblems } from '../../reports/json';
import { FakeAws } from '../posture/support/fake-aws';
import { goodWorld, REGION } from '../posture/support/live-world';
import { asList, ref, synth, type Statement } from '../stacks/support';
import { allows } from './support/iam';
import { LoopbackAws } from './support/loopback-aws';
import { RecordingProxy } from './support/recording-proxy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

const BUCKET = 'acme-functions';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONTEXT = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:trailproof-posture-scan' };

let fake: FakeAws;
let aws: LoopbackAws;
let proxy: RecordingProxy;
let srv: { close(): Promise<void> };
let client: s3.S3Client;
const saved = { ...process.env };

beforeAll(async () => {
  fake = new FakeAws(goodWorld());
  // One control fails: Security Hub is off in the home region (CIS 4.16).
  fake.world.regions[REGION].hub = false;
  await fake.start();
  aws = new LoopbackAws();
  aws.fallback = fake.endpoint;
  await aws.start();
  const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 'tp-posture-fn-')), configureBuckets: [{ name: BUCKET }] });
  const addr = (await s.run()) as { port: number };
  srv = s;
  proxy = new RecordingProxy(`http://127.0.0.1:${addr.port}`);
  await proxy.start();
  client = new s3.S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${addr.port}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_ENDPOINT_URL_S3: proxy.endpoint,
    TRAILPROOF_REPORTS_BUCKET: BUCKET,
    TRAILPROOF_REPORTS_PREFIX: 'reports/posture/',
    TRAILPROOF_REPORTS_KMS_KEY: KEY,
    TRAILPROOF_REGIONS: REGION,
    TRAILPROOF_SECURITY_HUB: 'true',
  });
  delete process.env.AWS_PROFILE;
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await srv.close();
  await proxy.stop();
  await aws.stop();
  await fake.stop();
  client.destroy();
  process.env = saved;
});

async function text(key: string): Promise<string> {
  const r = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return r.Body!.transformToString();
}

test('findings.json, report.html and report.csv to the reports prefix under KMS; failing findings to Security Hub, passing ones archived', async () => {
  const run = await handler({ runId: 'run-1' }, CONTEXT);
  expect(run.files).toEqual(['findings.json', 'report.html', 'report.csv'].map((f) => `s3://${BUCKET}/reports/posture/run-1/${f}`));
  const puts = proxy.calls.filter((c) => c.op === 'PutObject');
  expect(puts.map((c) => [c.key, c.sse, c.sseKey])).toEqual(['findings.json', 'report.html', 'report.csv'].map((f) => [`reports/posture/run-1/${f}`, 'aws:kms', KEY]));

  const doc = JSON.parse(await text('reports/posture/run-1/findings.json'));
  expect(findingsSchemaProblems(doc)).toEqual([]);
  expect(await text('reports/posture/run-1/report.html')).toMatch(/^<!doctype html>/i);
  expect(await text('reports/posture/run-1/report.csv')).toMatch(/^[^\n]*control/i);

  // The same findings as `trailproof posture --live` over the same account.
  const cli = await runScan({ pack: loadRulePack(), events: [], live: { regions: [REGION], endpoint: fake.endpoint } });
  const cliFindings = [...cli.findings];
  cli.findings.close();
  expect(doc.findings.map((f: { id: string }) => f.id).sort()).toEqual(cliFindings.map((f) => f.id).sort());

  const failing = cliFindings.filter((f) => f.status === 'fail');
  expect(failing.map((f) => f.ruleId)).toContain('cis-securityhub-enabled');
  const hub = [...aws.hubFindings.values()];
  expect(hub.filter((f) => f.RecordState === 'ACTIVE').map((f) => f.Id).sort()).toEqual(failing.map((f) => f.id).sort());
  expect(hub.filter((f) => f.RecordState === 'ARCHIVED').every((f) => f.Compliance.Status === 'PASSED')).toBe(true);
  expect(run.summary.failing).toBe(failing.length);
});

test('a run whose findings Security Hub refuses still writes its reports, then fails so the schedule retries it', async () => {
  aws.faults = [{ op: 'BatchImportFindings', kind: 'entry', code: 'InvalidInput', times: 1 }];
  await expect(handler({ runId: 'run-2' }, CONTEXT)).rejects.toThrow(/reports written \(s3:\/\/acme-functions\/reports\/posture\/run-2\/findings\.json.*securityhub: 1 findings not published/);
  expect(JSON.parse(await text('reports/posture/run-2/findings.json')).findings.length).toBeGreaterThan(0);
});

test('a run in which no AWS call answered fails after writing its reports, never a success', async () => {
  fake.faults = [{ op: '*', kind: 'deny' }];
  try {
    await expect(handler({ runId: 'run-unread' }, CONTEXT)).rejects.toThrow(/reports written \(.*run-unread\/findings\.json.*nothing was judged: no AWS call succeeded/);
  } finally {
    fake.faults = [];
  }
});

test("with the stack's TRAILPROOF_AGGREGATOR, the scan reads the organization through the aggregator; the member account's findings go to the importing account", async () => {
  const other = '444455556666';
  fake.world.regions[REGION].aggregators = {
    org: [
      { accountId: other, awsRegion: 'eu-west-1', resourceId: 'vpc-9', resourceName: 'vpc-9', resourceType: 'AWS::EC2::VPC', arn: `arn:aws:ec2:eu-west-1:${other}:vpc/vpc-9`, configuration: { vpcId: 'vpc-9' }, supplementaryConfiguration: {} },
      ...(fake.world.regions[REGION].configItems ?? []),
    ],
  };
  process.env.TRAILPROOF_AGGREGATOR = 'org';
  try {
    const before = fake.opsCalled('SelectAggregateResourceConfig').length;
    const run = await handler({ runId: 'run-org' }, CONTEXT);
    expect(fake.opsCalled('SelectAggregateResourceConfig').length).toBeGreaterThan(before);
    const doc = JSON.parse(await text('reports/posture/run-org/findings.json'));
    const vpc9 = doc.findings.find((f: { ruleId: string; subject: { resourceId?: string } }) => f.ruleId === 'cis-vpc-flow-logs' && f.subject.resourceId === 'vpc-9');
    expect(vpc9).toMatchObject({ status: 'fail', subject: { account: other } });
    const imported = aws.hubFindings.get(`arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default|${vpc9.id}`);
    expect(imported).toMatchObject({ AwsAccountId: '111122223333', RecordState: 'ACTIVE', Resources: [{ Id: `arn:aws:ec2:eu-west-1:${other}:vpc/vpc-9`, Region: 'eu-west-1' }] });
    expect(run.summary.failing).toBeGreaterThan(0);
  } finally {
    delete process.env.TRAILPROOF_AGGREGATOR;
    delete fake.world.regions[REGION].aggregators;
  }
});

test('the posture role allows every call the scan made', () => {
  const st = synth({ account: '111122223333', schedule: { enabled: true } });
  try {
    const statements = st.policy('aws_iam_role_policy', 'posture_scan_role_policy') as Statement[];
    const reads = [...new Set(fake.calls.map((c) => `${c.service}:${c.op}`))];
    expect(reads.length).toBeGreaterThan(8);
    expect(reads.filter((a) => !allows(statements, a, '*'))).toEqual([]);
    for (const c of proxy.calls.filter((x) => x.op === 'PutObject')) expect(allows(statements, 's3:PutObject', `${ref('aws_s3_bucket', 'functions_bucket', 'arn')}/${c.key}`)).toBe(true);
    expect(aws.callsOf('BatchImportFindings')).toBeGreaterThan(0);
    expect(allows(statements, 'securityhub:BatchImportFindings', 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default')).toBe(true);
  } finally {
    st.cleanup();
  }
});
