import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Finding } from '../../src/model/finding';
import { readConfigFiles } from '../../src/sources/config-files';
import { scanPosture } from '../../src/scan/scan-posture';
import { FIXTURES, DATASETS } from '../support/paths';
import { bundledRules, tmpDir } from './support/stack';

const RDK = join(FIXTURES, 'posture', 'aws-config-rdk', 'example_ci');

function forRule(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

describe('AWS Config items from aws-config-rdk', () => {
  test('the fixture copy is the shared data, byte for byte', () => {
    for (const f of readdirSync(RDK)) {
      expect(readFileSync(join(RDK, f))).toEqual(readFileSync(join(DATASETS, 'aws-config-rdk', 'example_ci', f)));
    }
  });

  test('every file is read and accounted for; both envelope shapes normalize to the same model', () => {
    const part = readConfigFiles([RDK]);
    expect(part.inputs).toHaveLength(13);
    // The data README says two files are not valid JSON; in this copy all 13 parse (checked here so a
    // later copy that does break shows up as an input error, not a crash).
    expect(part.inputs.filter((i) => i.status === 'processed')).toHaveLength(13);
    const skipped = part.inputs.filter((i) => i.records === 0).map((i) => i.skippedRecords?.[0]?.first).sort();
    expect(skipped).toEqual(['AWS::EC2::NetworkAcl', 'AWS::EC2::SecurityGroup', 'AWS::IAM::Policy', 'AWS::IAM::User']);
    const bucket = part.resources.find((r) => r.type === 'AWS::S3::Bucket')!;
    // configurationItemVersion / ARN / awsAccountId shape
    expect(bucket).toMatchObject({ account: '934654633380', arn: 'arn:aws:s3:::mborch-test-bucket-config-item', name: 'mborch-test-bucket-config-item', region: 'us-east-1' });
    expect(bucket.properties).toMatchObject({ versioningStatus: 'Enabled', loggingTargetBucket: null });
    // BucketPolicy.policyText arrives as JSON text and is parsed
    expect((bucket.properties.policy as { Statement: unknown[] }).Statement).toHaveLength(1);
    const topic = part.resources.find((r) => r.type === 'AWS::SNS::Topic')!;
    // version / arn / accountId shape
    expect(topic).toMatchObject({ account: '123456789012', arn: 'arn:aws:sns:us-east-1:123456789012:topic', name: 'OpenTopic' });
    const trail = part.resources.find((r) => r.type === 'AWS::CloudTrail::Trail')!;
    expect(trail.properties).toMatchObject({ isMultiRegion: true, logFileValidation: true, kmsKeyId: null, s3BucketName: 'mborch-apjc-cloudtrail-bucket' });
    // Config does not record whether the trail logs, and this trail has custom selectors not in the item
    expect(trail.properties.isLogging).toBeUndefined();
    expect(trail.properties.eventSelectors).toBeUndefined();
    expect(trail.origin.source).toMatchObject({ path: expect.stringMatching(/AWS_Cloudtrail_Trail\.json$/), pointer: '', line: 1 });
  });

  test('rules judge the samples: pass, fail, not-applicable and manual, each with its reason', async () => {
    const { findings, inputs } = await scanPosture({ config: [RDK], rules: bundledRules() });
    expect(inputs.every((i) => i.kind === 'config-items')).toBe(true);
    expect(forRule(findings, 'cis-cloudtrail-log-file-validation').map((f) => f.status)).toEqual(['pass']);
    expect(forRule(findings, 'cis-cloudtrail-kms-encryption').map((f) => f.status)).toEqual(['fail']);
    // The sample's Deny names only the bucket ARN, not its objects (`/*`): GetObject and PutObject
    // over plain HTTP stay allowed, so it is not a TLS-only policy.
    const tls = forRule(findings, 's3-bucket-tls-only');
    expect(tls.map((f) => f.status)).toEqual(['fail']);
    expect(forRule(findings, 'cis-kms-key-rotation')[0]).toMatchObject({ status: 'not-applicable', message: expect.stringContaining('customer-managed') });
    const vpc = forRule(findings, 'cis-vpc-flow-logs')[0];
    expect(vpc.status).toBe('fail');
    expect(vpc.subject).toMatchObject({ kind: 'resource', resourceId: 'vpc-0990dc6d', account: '264683526309' });
    const multi = forRule(findings, 'cis-cloudtrail-multi-region-logging').find((f) => f.subject.account === '212591712841')!;
    expect(multi.status).toBe('manual');
    expect(multi.message).toContain('isLogging');
    const bucketLogging = forRule(findings, 'cis-cloudtrail-bucket-access-logging')[0];
    expect(bucketLogging.status).toBe('manual'); // the trail's bucket is not among the samples
    for (const f of forRule(findings, 'cis-monitoring-chain/cis-root-account-usage')) expect(f.status).not.toBe('pass');
    expect(forRule(findings, 'sns-topic-kms-encryption').map((f) => f.status)).toEqual(['fail']);
  });
});

describe('AWS Config snapshot files', () => {
  function snapshotTree(): string {
    const root = tmpDir();
    const items = readdirSync(RDK)
      .sort()
      .map((f) => JSON.parse(readFileSync(join(RDK, f), 'utf8')) as Record<string, unknown>);
    const dir = join(root, 'AWSLogs', '123456789012', 'Config', 'us-east-1', '2026', '1', '15', 'ConfigSnapshot');
    mkdirSync(dir, { recursive: true });
    const snap = { fileVersion: '1.0', configSnapshotId: 'b1c2', configurationItems: items };
    writeFileSync(join(dir, '123456789012_Config_us-east-1_ConfigSnapshot_20260115T000000Z_b1c2.json.gz'), gzipSync(JSON.stringify(snap, null, 2)));
    writeFileSync(join(dir, 'truncated.json'), JSON.stringify(snap, null, 2).slice(0, 500));
    writeFileSync(join(dir, 'trailing-comma.json'), '[\n  {"resourceType": "AWS::EC2::VPC", "resourceId": "vpc-1",}\n]\n');
    writeFileSync(join(dir, 'not-gzip.json.gz'), 'plain text pretending');
    writeFileSync(join(dir, 'unrelated.json'), JSON.stringify({ Records: [] }));
    return root;
  }

  test('a gzipped snapshot under AWSLogs/ is read; bad files are reported with the place and the rest scanned', async () => {
    const root = snapshotTree();
    const { inputs, findings } = await scanPosture({ config: [root], rules: bundledRules() });
    const byName = (n: string) => inputs.find((i) => i.path.endsWith(n))!;
    expect(byName('b1c2.json.gz')).toMatchObject({ kind: 'config-snapshot', status: 'processed', records: 9 });
    expect(byName('b1c2.json.gz').skippedRecords?.map((s) => s.count).reduce((a, b) => a + b, 0)).toBe(4);
    expect(byName('truncated.json')).toMatchObject({ status: 'error', reason: expect.stringMatching(/invalid JSON: .*line \d+ column \d+/) });
    expect(byName('trailing-comma.json')).toMatchObject({ status: 'error', reason: expect.stringMatching(/line 2 column/) });
    expect(byName('not-gzip.json.gz')).toMatchObject({ status: 'error', reason: expect.stringContaining('gunzip') });
    expect(byName('unrelated.json')).toMatchObject({ status: 'error', reason: expect.stringContaining('not AWS Config output') });
    const trail = forRule(findings, 'cis-cloudtrail-log-file-validation')[0];
    expect(trail.status).toBe('pass');
    expect(trail.subject.source).toMatchObject({ pointer: '/configurationItems/1', line: expect.any(Number) });
  });

  test('the same item read twice yields one subject (stable ids, no duplicates)', async () => {
    const { findings } = await scanPosture({ config: [RDK, RDK], rules: bundledRules() });
    const ids = findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(forRule(findings, 'cis-cloudtrail-log-file-validation')).toHaveLength(1);
  });

  test('Config items without a recorder or hub item leave 3.3 and 4.16 manual, never fail', async () => {
    const { findings } = await scanPosture({ config: [RDK], rules: bundledRules() });
    for (const id of ['cis-config-recording-all-resources', 'cis-securityhub-enabled']) {
      const statuses = new Set(forRule(findings, id).map((f) => f.status));
      expect([...statuses]).toEqual(['manual']);
    }
  });
});
