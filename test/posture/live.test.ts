import type { Finding } from '../../src/model/finding';
import { scanPosture } from '../../src/scan/scan-posture';
import { FakeAws } from './support/fake-aws';
import { ACCOUNT, REGION, TOPIC, goodWorld } from './support/live-world';
import { bundledRules, cisEventRules } from './support/stack';
import { policyActions } from './support/iam';

// The real SDK clients sign requests with these fake keys and send them to the loopback server.
process.env.AWS_ACCESS_KEY_ID = 'AKIDTRAILPROOFTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'trailproof-test-secret';
process.env.AWS_REGION = REGION;
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;

const chainIds = () => cisEventRules().map((r) => `cis-monitoring-chain/${r.id}`);

function byRule(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

async function scan(fake: FakeAws, extra: { aggregator?: string; regions?: string[] } = {}) {
  return scanPosture({ live: { regions: extra.regions ?? [REGION], endpoint: fake.endpoint, aggregator: extra.aggregator }, rules: bundledRules() });
}

describe('live scan over the wire protocols', () => {
  let fake: FakeAws;
  beforeEach(async () => {
    fake = new FakeAws(goodWorld());
    await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
    // every request that reached the wire is allowed by the documented read-only policy
    const allowed = new Set(policyActions());
    for (const c of fake.calls) expect(allowed).toContain(`${c.service}:${c.op}`);
  });

  test('a compliant account passes every chain and logging control, reading every page', async () => {
    const r = await scan(fake);
    for (const id of chainIds()) {
      const f = byRule(r.findings, id);
      expect(f).toHaveLength(1);
      expect([f[0].status, f[0].message]).toEqual(['pass', expect.stringContaining('chain complete')]);
    }
    for (const id of ['cis-cloudtrail-multi-region-logging', 'cis-cloudtrail-log-file-validation', 'cis-cloudtrail-kms-encryption', 'cis-config-recording-all-resources', 'cis-securityhub-enabled', 'cis-s3-object-level-write-logging', 'cis-s3-object-level-read-logging', 'cis-vpc-flow-logs', 'cis-kms-key-rotation', 'cis-cloudtrail-bucket-access-logging']) {
      expect(byRule(r.findings, id).map((f) => [f.status, f.message])).toEqual([['pass', expect.any(String)]]);
    }
    const rules = cisEventRules().length;
    // pageSize 2: every list came in ceil(n/2) pages, each asked for with the previous token
    expect(fake.opsCalled('DescribeMetricFilters')).toHaveLength(Math.ceil(rules / 2));
    expect(fake.opsCalled('DescribeAlarms')).toHaveLength(Math.ceil(rules / 2));
    expect(fake.opsCalled('DescribeMetricFilters')[1].params.nextToken).toBe('page-2');
    expect(fake.opsCalled('SelectResourceConfig').length).toBe(3);
    expect(fake.opsCalled('ListSubscriptionsByTopic').map((c) => c.params.NextToken ?? null)).toEqual([null]);
    const subject = byRule(r.findings, chainIds()[0])[0].subject;
    expect(subject).toMatchObject({ kind: 'account', account: ACCOUNT });
    expect(r.inputs.every((i) => i.kind === 'live' && i.status === 'processed')).toBe(true);
    expect(r.inputs.find((i) => i.path === `live:${REGION}/logs:DescribeMetricFilters`)?.records).toBe(rules);
  });

  test('SNS pages are followed and pending confirmations do not count', async () => {
    fake.world.pageSize = 1;
    fake.world.subscriptions[TOPIC] = [
      { SubscriptionArn: 'PendingConfirmation', Owner: ACCOUNT, Protocol: 'email', Endpoint: 'a@example.com', TopicArn: TOPIC },
      { SubscriptionArn: 'PendingConfirmation', Owner: ACCOUNT, Protocol: 'email', Endpoint: 'b@example.com', TopicArn: TOPIC },
    ];
    const r = await scan(fake);
    expect(fake.opsCalled('ListSubscriptionsByTopic').map((c) => c.params.NextToken ?? null)).toEqual([null, 'page-1']);
    const f = byRule(r.findings, chainIds()[0])[0];
    expect(f.status).toBe('fail');
    expect(f.message).toContain('has no confirmed subscription');
    expect(f.evidence).toMatchObject({ brokenAt: 'topic', topic: TOPIC, confirmedSubscriptions: 0 });
  });

  test('throttling is retried with backoff and the scan result is unchanged', async () => {
    fake.faults = [
      { op: 'DescribeTrails', kind: 'throttle', times: 1 },
      { op: 'DescribeAlarms', kind: 'throttle', times: 2 },
      { op: 'ListSubscriptionsByTopic', kind: 'throttle', times: 1 },
    ];
    const r = await scan(fake);
    expect(fake.opsCalled('DescribeTrails')).toHaveLength(2);
    expect(fake.opsCalled('ListSubscriptionsByTopic')).toHaveLength(2);
    expect(fake.opsCalled('DescribeAlarms').length).toBe(Math.ceil(cisEventRules().length / 2) + 2);
    expect(byRule(r.findings, chainIds()[0])[0].status).toBe('pass');
    expect(r.inputs.every((i) => i.status === 'processed')).toBe(true);
  });

  test('AccessDenied on metric filters: chains are error (never pass), named permission, rest scanned', async () => {
    fake.faults = [{ op: 'DescribeMetricFilters', kind: 'deny' }];
    const r = await scan(fake);
    const input = r.inputs.find((i) => i.path === `live:${REGION}/logs:DescribeMetricFilters`);
    expect(input).toMatchObject({ status: 'error', reason: expect.stringContaining('needs logs:DescribeMetricFilters') });
    for (const id of chainIds()) {
      const f = byRule(r.findings, id)[0];
      expect(f.status).toBe('error');
      expect(f.message).toContain('logs:DescribeMetricFilters');
    }
    expect(byRule(r.findings, 'cis-cloudtrail-log-file-validation')[0].status).toBe('pass');
    expect(byRule(r.findings, 'cis-cloudtrail-multi-region-logging')[0].status).toBe('pass');
  });

  test('AccessDenied on GetTrailStatus marks trail-dependent controls error, not fail or pass', async () => {
    fake.faults = [{ op: 'GetTrailStatus', kind: 'deny' }];
    const r = await scan(fake);
    const multi = byRule(r.findings, 'cis-cloudtrail-multi-region-logging')[0];
    expect(multi.status).toBe('error');
    expect(multi.message).toContain('cloudtrail:GetTrailStatus');
    expect(byRule(r.findings, chainIds()[0])[0].status).toBe('error');
    expect(byRule(r.findings, 'cis-cloudtrail-kms-encryption')[0].status).toBe('pass');
  });

  test('advanced query denied: falls back to list + batch get and reaches the same results', async () => {
    fake.faults = [{ op: 'SelectResourceConfig', kind: 'deny' }];
    const r = await scan(fake);
    expect(fake.opsCalled('ListDiscoveredResources').length).toBeGreaterThan(0);
    expect(fake.opsCalled('BatchGetResourceConfig').length).toBeGreaterThan(0);
    expect(r.inputs.find((i) => i.path === `live:${REGION}/config:SelectResourceConfig`)?.status).toBe('error');
    expect(byRule(r.findings, 'cis-vpc-flow-logs')[0].status).toBe('pass');
    expect(byRule(r.findings, 'cis-kms-key-rotation')[0].status).toBe('pass');
    expect(byRule(r.findings, 'cis-cloudtrail-bucket-access-logging')[0].status).toBe('pass');
  });

  test('a malformed reply is reported in inputs and the scan goes on', async () => {
    fake.faults = [{ op: 'DescribeAlarms', kind: 'malformed' }];
    const r = await scan(fake);
    const input = r.inputs.find((i) => i.path === `live:${REGION}/cloudwatch:DescribeAlarms`);
    expect(input?.status).toBe('error');
    expect(input?.reason).toBeTruthy();
    const f = byRule(r.findings, chainIds()[0])[0];
    expect(f.status).toBe('error');
    expect(f.message).toContain('alarms could not be read');
    expect(byRule(r.findings, 'cis-cloudtrail-log-file-validation')[0].status).toBe('pass');
  });

  test('Security Hub not subscribed is a fail, not an error', async () => {
    fake.world.regions[REGION].hub = false;
    const r = await scan(fake);
    const f = byRule(r.findings, 'cis-securityhub-enabled')[0];
    expect(f.status).toBe('fail');
    expect(r.inputs.find((i) => i.path === `live:${REGION}/securityhub:DescribeHub`)?.status).toBe('processed');
  });

  test('an aggregator query reads every page for many accounts', async () => {
    const other = '444455556666';
    fake.world.regions[REGION].aggregators = {
      org: [
        { accountId: other, awsRegion: 'eu-west-1', resourceId: 'vpc-9', resourceName: 'vpc-9', resourceType: 'AWS::EC2::VPC', arn: `arn:aws:ec2:eu-west-1:${other}:vpc/vpc-9`, configuration: { vpcId: 'vpc-9' }, supplementaryConfiguration: {} },
        ...(fake.world.regions[REGION].configItems ?? []),
      ],
    };
    const r = await scan(fake, { aggregator: 'org' });
    expect(fake.opsCalled('SelectAggregateResourceConfig').map((c) => c.params.ConfigurationAggregatorName)).toEqual(['org', 'org', 'org', 'org']);
    expect(fake.opsCalled('SelectResourceConfig')).toHaveLength(0);
    const vpc9 = byRule(r.findings, 'cis-vpc-flow-logs').find((f) => f.subject.kind === 'resource' && f.subject.resourceId === 'vpc-9');
    expect(vpc9).toMatchObject({ status: 'fail', subject: { account: other, stack: 'org' } });
    const own = byRule(r.findings, chainIds()[0]).find((f) => f.subject.account === ACCOUNT);
    expect(own?.status).toBe('pass');
  });

  test('a member account covered by an organization trail gets "covered", not a failure', async () => {
    const mgmt = '999988887777';
    const orgArn = `arn:aws:cloudtrail:${REGION}:${mgmt}:trail/org-trail`;
    const w = fake.world.regions[REGION];
    w.configItems = (w.configItems ?? []).filter((i) => i.resourceType !== 'AWS::CloudTrail::Trail');
    w.trails = [{ Name: orgArn, S3BucketName: 'org-trail-bucket', IsMultiRegionTrail: true, HomeRegion: REGION, TrailARN: orgArn, LogFileValidationEnabled: true, CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${mgmt}:log-group:org:*`, HasCustomEventSelectors: false, IsOrganizationTrail: true }];
    w.trailStatus = { [orgArn]: { IsLogging: true } };
    w.metricFilters = [];
    w.alarms = [];
    const r = await scan(fake);
    const multi = byRule(r.findings, 'cis-cloudtrail-multi-region-logging');
    expect(multi).toHaveLength(1);
    expect(multi[0]).toMatchObject({ status: 'pass', subject: { account: ACCOUNT }, message: expect.stringContaining(`covered by organization trail ${orgArn} (account ${mgmt})`) });
    const f = byRule(r.findings, chainIds()[0])[0];
    expect(f.status).toBe('manual');
    expect(f.message).toContain('covered by organization trail');
    expect(f.evidence.coveredByOrganizationTrail).toEqual([orgArn]);
  });

  test('without --region the SDK chain picks the region (AWS_REGION)', async () => {
    const r = await scanPosture({ live: { endpoint: fake.endpoint }, rules: bundledRules() });
    expect(new Set(fake.calls.map((c) => c.region))).toEqual(new Set([REGION]));
    expect(byRule(r.findings, 'cis-config-recording-all-resources').map((f) => f.subject.region)).toEqual([REGION]);
  });

  test('a multi-region trail homed outside --region: its chain is read in its home region', async () => {
    const home = fake.world.regions[REGION];
    // eu-west-1 sees the trail as a shadow trail; the log group, filters and alarms stay in the home region
    fake.world.regions['eu-west-1'] = { hub: true, trails: home.trails, recorders: home.recorders, recorderStatus: home.recorderStatus };
    const r = await scan(fake, { regions: ['eu-west-1'] });
    expect(fake.opsCalled('GetTrailStatus').map((c) => c.region)).toEqual([REGION]);
    expect(new Set(fake.opsCalled('DescribeMetricFilters').map((c) => c.region))).toEqual(new Set(['eu-west-1', REGION]));
    expect(byRule(r.findings, chainIds()[0])[0].status).toBe('pass');
    expect(byRule(r.findings, 'cis-securityhub-enabled').map((f) => f.subject.region)).toEqual(['eu-west-1']);
  });

  test('every API denied: nothing passes, every read is reported, the scan still finishes', async () => {
    const ops = ['SelectResourceConfig', 'ListDiscoveredResources', 'DescribeConfigurationRecorders', 'DescribeConfigurationRecorderStatus', 'DescribeTrails', 'DescribeMetricFilters', 'DescribeLogGroups', 'DescribeAlarms', 'DescribeHub'];
    fake.faults = ops.map((op) => ({ op, kind: 'deny' as const }));
    const r = await scan(fake);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.filter((f) => f.status === 'pass')).toEqual([]);
    for (const id of chainIds()) expect(byRule(r.findings, id).map((f) => f.status)).toEqual(['error']);
    expect(byRule(r.findings, 'cis-cloudtrail-multi-region-logging').map((f) => f.status)).toEqual(['error']);
    expect(byRule(r.findings, 'cis-securityhub-enabled').map((f) => f.status)).toEqual(['error']);
    expect(byRule(r.findings, 'cis-config-recording-all-resources').map((f) => f.status)).toEqual(['error']);
    const errors = r.inputs.filter((i) => i.status === 'error').map((i) => i.path.split('/').pop());
    expect(errors).toEqual(expect.arrayContaining(['config:SelectResourceConfig', 'cloudtrail:DescribeTrails', 'logs:DescribeMetricFilters', 'cloudwatch:DescribeAlarms', 'securityhub:DescribeHub']));
  });

  test('an unusable query result is counted on its input record, the rest used', async () => {
    const items = fake.world.regions[REGION].configItems!;
    items.push('{ not a configuration item' as unknown as Record<string, unknown>, { accountId: ACCOUNT, resourceType: 'AWS::EC2::VPC' });
    const r = await scan(fake);
    const input = r.inputs.find((i) => i.path === `live:${REGION}/config:SelectResourceConfig`)!;
    expect(input.status).toBe('processed');
    expect(input.records).toBe(items.length - 2);
    expect(input.skippedRecords?.map((s) => s.count).reduce((a, b) => a + b, 0)).toBe(2);
    expect(byRule(r.findings, 'cis-vpc-flow-logs').map((f) => f.status)).toEqual(['pass']);
  });
});
