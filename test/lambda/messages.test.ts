import { clip, relatedRequirement, toAsff } from '../../src/findings/asff';
import { emfLines } from '../../src/lambda/emf';
import { isTrailLogKey, readMessage } from '../../src/lambda/notifications';
import type { Finding } from '../../src/model/finding';

/**
 * The message shapes as AWS documents them:
 * - S3 event notification, event version 2.1, with its URL-encoded key
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html);
 * - the s3:TestEvent S3 sends when a notification configuration is saved (same page);
 * - an S3 "Object Created" event through EventBridge (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html);
 * - an S3 notification fanned out through SNS to SQS (the SNS envelope: Type, Message).
 */
const notification = {
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-west-2',
      eventTime: '1970-01-01T00:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAJDPLRKLG7UEXAMPLE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'testConfigRule',
        bucket: { name: 'amzn-s3-demo-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::amzn-s3-demo-bucket' },
        object: { key: 'AWSLogs/111122223333/CloudTrail/us-west-2/2026/12/01/HappyFace+%28copy%29.json.gz', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko', sequencer: '0055AED6DCD90281E5' },
      },
    },
  ],
};

describe('messages the queue carries', () => {
  test('S3 event notification: the key is URL-decoded, spaces from +', () => {
    expect(readMessage(JSON.stringify(notification))).toEqual({
      kind: 'objects',
      ignored: 0,
      objects: [{ bucket: 'amzn-s3-demo-bucket', key: 'AWSLogs/111122223333/CloudTrail/us-west-2/2026/12/01/HappyFace (copy).json.gz', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' }],
    });
  });

  test('the same notification inside an SNS envelope', () => {
    const r = readMessage(JSON.stringify({ Type: 'Notification', MessageId: 'm', TopicArn: 'arn:aws:sns:us-west-2:111122223333:t', Message: JSON.stringify(notification) }));
    expect(r.kind === 'objects' && r.objects[0].bucket).toBe('amzn-s3-demo-bucket');
  });

  test('removal events are ignored, not failed', () => {
    const removed = { Records: [{ ...notification.Records[0], eventName: 'ObjectRemoved:Delete' }] };
    expect(readMessage(JSON.stringify(removed))).toEqual({ kind: 'objects', objects: [], ignored: 1 });
  });

  test("S3's test event", () => {
    expect(readMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2014-10-13T15:57:02.089Z', Bucket: 'amzn-s3-demo-bucket', RequestId: '5582815E1AEA5ADF', HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE' }))).toEqual({ kind: 'test-event' });
  });

  test('EventBridge Object Created', () => {
    const ev = {
      version: '0',
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '111122223333',
      time: '2021-11-12T00:00:00Z',
      region: 'ca-central-1',
      resources: ['arn:aws:s3:::amzn-s3-demo-bucket1'],
      detail: { version: '0', bucket: { name: 'amzn-s3-demo-bucket1' }, object: { key: 'example-key', size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', 'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189' }, 'request-id': 'N4N7GDK58NMKJ12R', requester: '123456789012', 'source-ip-address': '1.2.3.4', reason: 'PutObject' },
    };
    expect(readMessage(JSON.stringify(ev))).toEqual({ kind: 'objects', ignored: 0, objects: [{ bucket: 'amzn-s3-demo-bucket1', key: 'example-key', size: 5, eTag: 'b1946ac92492d2347c6235b4d2611184', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e' }] });
  });

  test('poison: not JSON, an unknown shape, a record without bucket or key, a key that is not URL-encoded text', () => {
    expect(readMessage('{"Records": [').kind).toBe('poison');
    expect(readMessage('{"hello": 1}').kind).toBe('poison');
    expect(readMessage(JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: {} } }] }))).toEqual({ kind: 'poison', reason: 'Records[0] has no s3.bucket.name and s3.object.key' });
    expect(readMessage(JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'AWSLogs/%E0%A4%A' } } }] })).kind).toBe('poison');
  });

  test('only CloudTrail log file keys are scanned; digests and Config snapshots are not', () => {
    expect(isTrailLogKey('AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/01/111122223333_CloudTrail_us-east-1_20261201T0000Z_abc.json.gz')).toBe(true);
    expect(isTrailLogKey('AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/12/01/x.json.gz')).toBe(true);
    expect(isTrailLogKey('AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/12/01/x.json.gz')).toBe(true);
    expect(isTrailLogKey('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/12/01/x.json.gz')).toBe(false);
    expect(isTrailLogKey('config/AWSLogs/111122223333/Config/us-east-1/2026/12/1/ConfigSnapshot/x.json.gz')).toBe(false);
  });
});

const finding: Finding = {
  id: 'a'.repeat(24),
  ruleId: 'cis-root-account-usage',
  title: 'Root account usage',
  severity: 'critical',
  status: 'fail',
  controls: ['cis-aws@5.0.0:4.3', 'pci-dss@4.0:10.2.1.2', 'nist-800-53@r5:AC-6', 'unknown-framework'],
  subject: { kind: 'event', eventId: 'e1', eventName: 'ConsoleLogin', eventTime: '2026-12-01T10:00:00Z', eventSource: 'signin.amazonaws.com', principal: 'arn:aws:iam::444455556666:root', sourceIp: '203.0.113.9', account: '444455556666', region: 'eu-west-1', source: { path: 's3://b/k', index: 3 } },
  message: `Root account usage: ${'x'.repeat(2000)}`,
  evidence: { '$.userIdentity.type': 'Root' },
  remediation: 'Stop using root.',
};

describe('ASFF', () => {
  const ctx = { partition: 'aws', account: '111122223333', region: 'us-east-1', now: new Date('2026-12-02T00:00:00Z') };

  test('required attributes, importing account, limits (Title 256, Description 1024), event time as CreatedAt/UpdatedAt', () => {
    const a = toAsff(finding, ctx);
    for (const k of ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt']) expect(a).toHaveProperty(k);
    expect(a.AwsAccountId).toBe('111122223333');
    expect(a.Region).toBe('us-east-1');
    expect(a.Resources[0]).toEqual({ Type: 'AwsAccount', Id: 'AWS::::Account:444455556666', Partition: 'aws', Region: 'eu-west-1' });
    expect(a.Description.length).toBeLessThanOrEqual(1024);
    expect(a.CreatedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(a.UpdatedAt).toBe(a.CreatedAt);
    expect(a.Severity).toEqual({ Label: 'CRITICAL', Original: 'critical' });
    expect(a.Compliance).toEqual({ Status: 'FAILED', RelatedRequirements: ['CIS AWS Foundations Benchmark v5.0.0/4.3', 'PCI DSS v4.0/10.2.1.2', 'NIST.800-53.r5 AC-6', 'unknown-framework'] });
    // The same finding converts to the same document: a re-import changes nothing.
    expect(toAsff(finding, { ...ctx, now: new Date() })).toEqual(a);
  });

  test('a passing posture finding archives the finding of the same Id', () => {
    const pass: Finding = { ...finding, status: 'pass', subject: { kind: 'account', account: '111122223333', region: 'us-east-1', stack: null, source: { path: 'live' } } };
    const a = toAsff(pass, ctx);
    expect(a).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' }, UpdatedAt: '2026-12-02T00:00:00.000Z' });
  });

  test('clip never splits a surrogate pair', () => {
    const s = `${'a'.repeat(254)}😀😀`;
    const c = clip(s, 256);
    expect(c.length).toBeLessThanOrEqual(256);
    expect(c).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(relatedRequirement('mitre-attack@v15:T1078')).toBe('MITRE ATT&CK v15/T1078');
  });
});

describe('EMF', () => {
  test('dimensionless metrics per namespace, at most 100 per document, values summed', () => {
    const points = Array.from({ length: 150 }, (_, i) => ({ namespace: 'CISBenchmark', name: `m${i}`, value: 1 }));
    points.push({ namespace: 'CISBenchmark', name: 'm0', value: 2 }, { namespace: 'Other', name: 'x', value: 5 });
    const docs = emfLines(points, new Date(1_000), { function: 'detect' }).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(3);
    expect(docs[0]._aws.Timestamp).toBe(1000);
    expect(docs[0]._aws.CloudWatchMetrics[0].Metrics).toHaveLength(100);
    expect(docs[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
    expect(docs[0].m0).toBe(3);
    expect(docs[1]._aws.CloudWatchMetrics[0].Metrics).toHaveLength(50);
    expect(docs[2]).toMatchObject({ x: 5, function: 'detect' });
  });
});
