import type { CloudWatchSpec, Rule } from '../../src/model/rule';
import { loadRulePack } from '../../src/rules/load';
import { asList, danglingReferences, ref, statement, synth, type Json, type Statement, type Synthesized } from './support';

/**
 * The default topology, synthesized once with the bundled rule pack: every property issue 3 asks
 * for, read back from the cdk.tf.json that `cdktf deploy` would apply.
 */
let s: Synthesized;
let eventRules: Rule[];

beforeAll(() => {
  s = synth({ notifications: [{ protocol: 'email', endpoint: 'security@example.com' }] });
  const pack = loadRulePack();
  expect(pack.errors).toEqual([]);
  eventRules = pack.rules.filter((r) => r.target === 'event' && r.cloudwatch);
});
afterAll(() => s?.cleanup());

const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:${data.aws_caller_identity.current.account_id}:trail/trailproof-audit';
const ACCOUNT = '${data.aws_caller_identity.current.account_id}';
const AUDIT_BUCKET_ARN = ref('aws_s3_bucket', 'audit_bucket', 'arn');

function allowsToAnyone(statements: Statement[]): Statement[] {
  return statements.filter((x) => x.Effect === 'Allow' && (x.Principal === '*' || asList((x.Principal as { AWS?: unknown })?.AWS).includes('*')));
}

describe('audit trail', () => {
  test('multi-region, global events, validated, logging, KMS, CloudWatch Logs', () => {
    const t = s.resource('aws_cloudtrail', 'audit_trail');
    expect(t.name).toBe('trailproof-audit');
    expect(t.is_multi_region_trail).toBe(true);
    expect(t.include_global_service_events).toBe(true);
    expect(t.enable_log_file_validation).toBe(true);
    expect(t.enable_logging).toBe(true);
    expect(t.is_organization_trail).toBe(false);
    expect(t.kms_key_id).toBe(ref('aws_kms_key', 'trail_key', 'arn'));
    expect(t.s3_bucket_name).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    expect(t.cloud_watch_logs_group_arn).toBe(`${ref('aws_cloudwatch_log_group', 'trail_log_group', 'arn')}:*`);
    expect(t.cloud_watch_logs_role_arn).toBe(ref('aws_iam_role', 'trail_logs_role', 'arn'));
    // CloudTrail validates the bucket policy and the delivery role when the trail is created.
    expect(t.depends_on).toEqual(expect.arrayContaining(['aws_s3_bucket_policy.audit_bucket_policy', 'aws_iam_role_policy.trail_logs_role_policy']));
    expect(t.insight_selector).toBeUndefined();
  });

  test('management events read and write, S3 object-level read and write for every bucket', () => {
    const selectors = s.resource('aws_cloudtrail', 'audit_trail').advanced_event_selector as { name: string; field_selector: { field: string; equals?: string[] }[] }[];
    expect(s.resource('aws_cloudtrail', 'audit_trail').event_selector).toBeUndefined();
    const management = selectors.filter((x) => x.field_selector.some((f) => f.field === 'eventCategory' && f.equals?.includes('Management')));
    expect(management).toHaveLength(1);
    // No readOnly field: both read and write management events (CIS 3.1).
    expect(management[0].field_selector).toEqual([{ field: 'eventCategory', equals: ['Management'] }]);
    const data = selectors.filter((x) => x.field_selector.some((f) => f.field === 'resources.type' && f.equals?.includes('AWS::S3::Object')));
    expect(data).toHaveLength(1);
    expect(data[0].field_selector).toEqual([
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::S3::Object'] },
    ]);
  });

  test('the trail key rotates and lets only this trail encrypt, only the account decrypt', () => {
    const key = s.resource('aws_kms_key', 'trail_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.customer_master_key_spec).toBe('SYMMETRIC_DEFAULT');
    const policy = s.policy('aws_kms_key', 'trail_key');
    const encrypt = statement(policy, 'CloudTrailEncryptsLogs');
    expect(encrypt.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    expect(encrypt.Action).toBe('kms:GenerateDataKey*');
    expect(encrypt.Condition?.StringEquals['aws:SourceArn']).toEqual([TRAIL_ARN]);
    expect(encrypt.Condition?.StringLike['kms:EncryptionContext:aws:cloudtrail:arn']).toBe(`arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`);
    const decrypt = statement(policy, 'AccountDecryptsLogFiles');
    expect(decrypt.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    expect(decrypt.Condition?.StringEquals['kms:CallerAccount']).toBe(ACCOUNT);
    expect(decrypt.Condition?.StringLike['kms:EncryptionContext:aws:cloudtrail:arn']).toBe(`arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`);
    expect(asList(decrypt.Action)).not.toContain('kms:*');
    // Every statement naming CloudTrail is scoped to our trail.
    for (const st of policy.filter((x) => JSON.stringify(x.Principal).includes('cloudtrail'))) {
      expect(st.Condition?.StringEquals['aws:SourceArn']).toEqual([TRAIL_ARN]);
    }
    expect(allowsToAnyone(policy)).toEqual([]);
  });
});

describe('audit bucket', () => {
  test('public access blocked, ACLs disabled, versioned, encrypted with the trail key', () => {
    const pab = s.resource('aws_s3_bucket_public_access_block', 'audit_bucket_public_access_block');
    expect(pab.bucket).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    for (const k of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) expect(pab[k]).toBe(true);
    expect(s.resource('aws_s3_bucket_ownership_controls', 'audit_bucket_ownership').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(s.resource('aws_s3_bucket_versioning', 'audit_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    const sse = s.resource('aws_s3_bucket_server_side_encryption_configuration', 'audit_bucket_encryption').rule[0];
    expect(sse.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'trail_key', 'arn') });
    expect(s.resource('aws_s3_bucket', 'audit_bucket').force_destroy).toBe(false);
  });

  test('without a configured account, buckets are named by prefix, never from a data-source lookup', () => {
    expect(s.resource('aws_s3_bucket', 'audit_bucket')).toMatchObject({ bucket_prefix: 'trailproof-audit-' });
    expect(s.resource('aws_s3_bucket', 'access_log_bucket')).toMatchObject({ bucket_prefix: 'trailproof-access-logs-' });
    for (const b of Object.values(s.resources('aws_s3_bucket'))) expect(b.bucket).toBeUndefined();
  });

  test('policy denies non-TLS access and accepts CloudTrail delivery only for this trail', () => {
    const policy = s.policy('aws_s3_bucket_policy', 'audit_bucket_policy');
    const tls = statement(policy, 'DenyInsecureTransport');
    expect(tls.Effect).toBe('Deny');
    expect(tls.Principal).toBe('*');
    expect(tls.Action).toBe('s3:*');
    expect(tls.Resource).toEqual([AUDIT_BUCKET_ARN, `${AUDIT_BUCKET_ARN}/*`]);
    expect(tls.Condition).toEqual({ Bool: { 'aws:SecureTransport': false } });
    const acl = statement(policy, 'CloudTrailChecksBucketAcl');
    expect(acl.Resource).toBe(AUDIT_BUCKET_ARN);
    expect(acl.Condition?.StringEquals['aws:SourceArn']).toBe(TRAIL_ARN);
    const write = statement(policy, 'CloudTrailWritesLogFiles');
    expect(write.Action).toBe('s3:PutObject');
    expect(write.Resource).toBe(`${AUDIT_BUCKET_ARN}/AWSLogs/${ACCOUNT}/*`);
    expect(write.Condition?.StringEquals).toEqual({ 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN });
    expect(allowsToAnyone(policy)).toEqual([]);
    // Config delivers into its own prefix, scoped to this account.
    const config = statement(policy, 'ConfigWritesSnapshots');
    expect(config.Resource).toBe(`${AUDIT_BUCKET_ARN}/config/AWSLogs/${ACCOUNT}/Config/*`);
    expect(config.Condition?.StringEquals['aws:SourceAccount']).toBe(ACCOUNT);
    expect(s.resource('aws_s3_bucket_policy', 'audit_bucket_policy').depends_on).toContain('aws_s3_bucket_public_access_block.audit_bucket_public_access_block');
  });

  test('server access logging goes to a separate, hardened log bucket', () => {
    const logging = s.resource('aws_s3_bucket_logging', 'audit_bucket_logging');
    expect(logging.bucket).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    expect(logging.target_bucket).toBe(ref('aws_s3_bucket', 'access_log_bucket', 'id'));
    expect(logging.target_prefix).toBe('s3-access/audit/');
    const pab = s.resource('aws_s3_bucket_public_access_block', 'access_log_bucket_public_access_block');
    for (const k of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) expect(pab[k]).toBe(true);
    expect(s.resource('aws_s3_bucket_versioning', 'access_log_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    // S3 delivers server access logs only to SSE-S3 buckets.
    expect(s.resource('aws_s3_bucket_server_side_encryption_configuration', 'access_log_bucket_encryption').rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'AES256' });
    const policy = s.policy('aws_s3_bucket_policy', 'access_log_bucket_policy');
    expect(statement(policy, 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: [ref('aws_s3_bucket', 'access_log_bucket', 'arn'), `${ref('aws_s3_bucket', 'access_log_bucket', 'arn')}/*`] });
    const delivery = statement(policy, 'S3ServerAccessLogDelivery');
    expect(delivery.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(delivery.Resource).toBe(`${ref('aws_s3_bucket', 'access_log_bucket', 'arn')}/s3-access/*`);
    expect(delivery.Condition?.ArnLike['aws:SourceArn']).toEqual([AUDIT_BUCKET_ARN]);
    expect(delivery.Condition?.StringEquals['aws:SourceAccount']).toBe(ACCOUNT);
    // The log bucket does not log into itself (that would loop).
    expect(Object.values(s.resources('aws_s3_bucket_logging')).map((l) => l.bucket)).not.toContain(ref('aws_s3_bucket', 'access_log_bucket', 'id'));
  });

  test('lifecycle: archive, expire, clean up old versions and failed uploads', () => {
    const [rule] = s.resource('aws_s3_bucket_lifecycle_configuration', 'audit_bucket_lifecycle').rule;
    expect(rule.status).toBe('Enabled');
    expect(rule.transition).toEqual([{ days: 90, storage_class: 'GLACIER' }]);
    expect(rule.expiration[0].days).toBeGreaterThanOrEqual(365);
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    expect(s.resource('aws_s3_bucket_lifecycle_configuration', 'access_log_bucket_lifecycle').rule[0].expiration[0].days).toBeGreaterThanOrEqual(365);
  });
});

describe('CloudWatch Logs delivery', () => {
  test('log group is KMS-encrypted and kept at least 365 days', () => {
    const g = s.resource('aws_cloudwatch_log_group', 'trail_log_group');
    expect(g.name).toBe('/aws/cloudtrail/trailproof-audit');
    expect(g.retention_in_days).toBeGreaterThanOrEqual(365);
    expect(g.kms_key_id).toBe(ref('aws_kms_key', 'logs_key', 'arn'));
    expect(s.resource('aws_kms_key', 'logs_key').enable_key_rotation).toBe(true);
    const use = statement(s.policy('aws_kms_key', 'logs_key'), 'CloudWatchLogsEncryptsTheTrailLogGroup');
    expect(use.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    expect(use.Condition).toEqual({ ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/cloudtrail/trailproof-audit` } });
  });

  test('the delivery role is assumable by CloudTrail only and writes only CloudTrail streams of that group', () => {
    const trust = s.policy('aws_iam_role', 'trail_logs_role', 'assume_role_policy');
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    expect(trust[0].Action).toBe('sts:AssumeRole');
    // AWS: this role supports neither aws:SourceArn nor aws:SourceAccount (InvalidCloudWatchLogsRoleArnException).
    expect(trust[0].Condition).toBeUndefined();
    const policy = s.policy('aws_iam_role_policy', 'trail_logs_role_policy');
    const actions = policy.flatMap((x) => asList(x.Action));
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const streams = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/cloudtrail/trailproof-audit:log-stream:${ACCOUNT}_CloudTrail_*`;
    for (const st of policy) {
      expect(st.Effect).toBe('Allow');
      expect(asList(st.Resource)).toEqual([streams]);
    }
    expect(s.resource('aws_iam_role_policy', 'trail_logs_role_policy').role).toBe(ref('aws_iam_role', 'trail_logs_role', 'id'));
    expect(s.resource('aws_iam_role', 'trail_logs_role').managed_policy_arns).toBeUndefined();
  });
});

describe('alarms generated from the rule pack', () => {
  const filterFor = (r: Rule) => Object.values(s.resources('aws_cloudwatch_log_metric_filter')).filter((f) => f.name === `trailproof-${r.id}`);
  const alarmFor = (r: Rule) => Object.values(s.resources('aws_cloudwatch_metric_alarm')).filter((a) => a.alarm_name === `trailproof-${r.id}`);

  test('the bundled pack has event rules to deploy', () => {
    expect(eventRules.length).toBeGreaterThan(0);
  });

  test('exactly one metric filter per event rule, on the trail log group, with exactly its pattern', () => {
    const filters = Object.values(s.resources('aws_cloudwatch_log_metric_filter'));
    expect(filters).toHaveLength(eventRules.length);
    for (const r of eventRules) {
      const cw = r.cloudwatch as CloudWatchSpec;
      const [f, ...more] = filterFor(r);
      expect(more).toEqual([]);
      expect(f.pattern).toBe(cw.filterPattern);
      expect(f.log_group_name).toBe(ref('aws_cloudwatch_log_group', 'trail_log_group', 'name'));
      expect(f.metric_transformation).toEqual({ name: cw.metricName, namespace: cw.metricNamespace ?? 'CISBenchmark', value: cw.metricValue ?? '1' });
    }
  });

  test("one alarm per event rule with the rule's settings, notifying the topic", () => {
    for (const r of eventRules) {
      const cw = r.cloudwatch as CloudWatchSpec;
      const [a, ...more] = alarmFor(r);
      expect(more).toEqual([]);
      expect({
        metric: a.metric_name,
        namespace: a.namespace,
        statistic: a.statistic,
        period: a.period,
        threshold: a.threshold,
        evaluationPeriods: a.evaluation_periods,
        comparison: a.comparison_operator,
        missing: a.treat_missing_data,
      }).toEqual({
        metric: cw.metricName,
        namespace: cw.metricNamespace ?? 'CISBenchmark',
        statistic: cw.alarm.statistic,
        period: cw.alarm.period,
        threshold: cw.alarm.threshold,
        evaluationPeriods: cw.alarm.evaluationPeriods,
        comparison: cw.alarm.comparisonOperator,
        missing: cw.alarm.treatMissingData ?? 'notBreaching',
      });
      expect(a.actions_enabled).toBe(true);
      expect(a.alarm_actions).toEqual([ref('aws_sns_topic', 'alarm_topic', 'arn')]);
      // Default: responders hear when an alarm clears, not when it lacks data.
      expect(a.ok_actions).toEqual([ref('aws_sns_topic', 'alarm_topic', 'arn')]);
      expect(a.insufficient_data_actions).toBeUndefined();
      expect(a.alarm_description).toContain(r.id);
    }
  });

  test('the CIS controls the pack covers keep CIS alarm settings (Sum, 300 s, >= 1)', () => {
    const cis = eventRules.filter((r) => r.controls.some((c) => c.startsWith('cis')));
    for (const r of cis) {
      const [a] = alarmFor(r);
      expect([a.statistic, a.period, a.threshold, a.comparison_operator]).toEqual(['Sum', 300, 1, 'GreaterThanOrEqualToThreshold']);
    }
  });

  test('with the default config every bundled rule alarm deploys the settings each rule file used to restate', () => {
    // The pack's defaults.json and the stack's treatMissingData default now supply them.
    expect(eventRules.length).toBeGreaterThanOrEqual(30);
    for (const r of eventRules) {
      const [a] = alarmFor(r);
      expect([r.id, a.statistic, a.period, a.threshold, a.evaluation_periods, a.comparison_operator, a.treat_missing_data]).toEqual([
        r.id, 'Sum', 300, 1, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching',
      ]);
    }
  });

  test('a delivery-health alarm watches the log group itself', () => {
    const a = s.resource('aws_cloudwatch_metric_alarm', 'alarm_trail_delivery_stopped');
    expect(a.namespace).toBe('AWS/Logs');
    expect(a.metric_name).toBe('IncomingLogEvents');
    expect(a.dimensions).toEqual({ LogGroupName: ref('aws_cloudwatch_log_group', 'trail_log_group', 'name') });
    expect(a.comparison_operator).toBe('LessThanThreshold');
    // Missing data stays missing: no page right after deploy (no data yet), and a stop (no data
    // again) moves it OK -> INSUFFICIENT_DATA, which notifies.
    expect(a.treat_missing_data).toBe('missing');
    expect(a.insufficient_data_actions).toEqual([ref('aws_sns_topic', 'alarm_topic', 'arn')]);
    expect(a.ok_actions).toEqual([ref('aws_sns_topic', 'alarm_topic', 'arn')]);
    expect(a.alarm_actions).toEqual([ref('aws_sns_topic', 'alarm_topic', 'arn')]);
  });
});

describe('notification topic', () => {
  test('KMS-encrypted with a key CloudWatch can use, publishable by this account\'s alarms', () => {
    const topic = s.resource('aws_sns_topic', 'alarm_topic');
    expect(topic.kms_master_key_id).toBe(ref('aws_kms_key', 'topic_key', 'arn'));
    expect(s.resource('aws_kms_key', 'topic_key').enable_key_rotation).toBe(true);
    const keyUse = statement(s.policy('aws_kms_key', 'topic_key'), 'AlarmServicesUseKeyForTopic');
    expect(keyUse.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(asList(keyUse.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    const tp = s.resource('aws_sns_topic_policy', 'alarm_topic_policy');
    expect(tp.arn).toBe(ref('aws_sns_topic', 'alarm_topic', 'arn'));
    const policy = JSON.parse(tp.policy).Statement as Statement[];
    const publish = statement(policy, 'CloudWatchAlarmsPublish');
    expect(publish.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(publish.Action).toBe('sns:Publish');
    expect(publish.Resource).toBe(ref('aws_sns_topic', 'alarm_topic', 'arn'));
    expect(publish.Condition?.ArnLike['aws:SourceArn']).toBe(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*`);
    expect(statement(policy, 'DenyInsecureTransport').Effect).toBe('Deny');
    expect(policy.map((x) => x.Sid)).not.toContain('EventBridgeRulesPublish');
    expect(allowsToAnyone(policy)).toEqual([]);
  });

  test('subscriptions come from the configuration', () => {
    const subs = Object.values(s.resources('aws_sns_topic_subscription'));
    expect(subs).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'security@example.com', topic_arn: ref('aws_sns_topic', 'alarm_topic', 'arn') })]);
  });
});

describe('AWS Config and Security Hub', () => {
  test('recorder records everything including global types, daily snapshot to the audit bucket, recording on', () => {
    const recorder = s.resource('aws_config_configuration_recorder', 'config_recorder');
    expect(recorder.recording_group).toEqual({ all_supported: true, include_global_resource_types: true });
    expect(recorder.role_arn).toBe(ref('aws_iam_role', 'config_role', 'arn'));
    expect(recorder.region).toBeUndefined();
    const channel = s.resource('aws_config_delivery_channel', 'config_delivery_channel');
    expect(channel.s3_bucket_name).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    expect(channel.s3_key_prefix).toBe('config');
    expect(channel.s3_kms_key_arn).toBe(ref('aws_kms_key', 'trail_key', 'arn'));
    expect(channel.snapshot_delivery_properties).toEqual({ delivery_frequency: 'TwentyFour_Hours' });
    const status = s.resource('aws_config_configuration_recorder_status', 'config_recorder_status');
    expect(status.is_enabled).toBe(true);
    expect(status.name).toBe(ref('aws_config_configuration_recorder', 'config_recorder', 'name'));
    expect(status.depends_on).toContain('aws_config_delivery_channel.config_delivery_channel');
    expect(s.resource('aws_iam_role_policy_attachment', 'config_role_managed_policy').policy_arn).toBe('arn:aws:iam::aws:policy/service-role/AWS_ConfigRole');
    const trust = s.policy('aws_iam_role', 'config_role', 'assume_role_policy');
    expect(trust[0].Principal).toEqual({ Service: 'config.amazonaws.com' });
  });

  test('Security Hub on, with the CIS standard, after Config records', () => {
    const hub = s.resource('aws_securityhub_account', 'securityhub');
    expect(hub.enable_default_standards).toBe(false);
    expect(hub.depends_on).toContain('aws_config_configuration_recorder_status.config_recorder_status');
    const standards = Object.values(s.resources('aws_securityhub_standards_subscription'));
    expect(standards.map((x) => x.standards_arn)).toEqual(['arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0']);
    expect(standards[0].depends_on).toEqual(['aws_securityhub_account.securityhub']);
  });

  test('no EventBridge rules unless asked for', () => {
    expect(s.resources('aws_cloudwatch_event_rule')).toEqual({});
  });
});

describe('dashboard', () => {
  test('one widget per alarm, plus the delivery health', () => {
    const body = JSON.parse(s.resource('aws_cloudwatch_dashboard', 'audit_dashboard').dashboard_body) as { widgets: { type: string; properties: Json }[] };
    const alarmRefs = body.widgets.flatMap((w) => (w.properties.annotations?.alarms ?? []) as string[]);
    const expected = Object.keys(s.resources('aws_cloudwatch_metric_alarm')).map((name) => ref('aws_cloudwatch_metric_alarm', name, 'arn'));
    expect(alarmRefs.sort()).toEqual(expected.sort());
    expect(new Set(alarmRefs).size).toBe(alarmRefs.length);
    const delivery = body.widgets.find((w) => JSON.stringify(w.properties.metrics ?? []).includes('IncomingLogEvents'));
    expect(delivery?.properties.metrics[0]).toEqual(['AWS/Logs', 'IncomingLogEvents', 'LogGroupName', ref('aws_cloudwatch_log_group', 'trail_log_group', 'name')]);
    // Widgets never overlap on the 24-column grid.
    const cells = new Set<string>();
    for (const w of body.widgets as unknown as { x: number; y: number; width: number; height: number }[]) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) {
        expect(cells.has(`${x},${y}`)).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });
});

describe('stack plumbing', () => {
  test('one AWS provider in the home region with default tags, state kept at the project root', () => {
    expect(s.result.stacks).toEqual(['trailproof-audit']);
    expect(s.tf.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: { ManagedBy: 'trailproof' } }] }]);
    expect(s.tf.terraform.required_providers.aws.version).toMatch(/^6\./);
    expect(s.tf.terraform.backend).toEqual({ local: { path: '../../../terraform.trailproof-audit.tfstate' } });
    expect(Object.keys(s.tf.output).sort()).toEqual(['alarm_topic_arn', 'audit_bucket', 'log_group', 'trail_arn']);
    expect(s.result.warnings).toEqual([]);
    expect(s.result.alarms).toBe(eventRules.length);
  });

  test('every reference and dependency names a declared resource', () => {
    expect(danglingReferences(s.tf)).toEqual([]);
  });

  test('every key has rotation on; no policy in the stack allows anyone outside the account', () => {
    for (const [name, key] of Object.entries(s.resources('aws_kms_key'))) {
      expect([name, key.enable_key_rotation]).toEqual([name, true]);
      expect(allowsToAnyone(JSON.parse(key.policy).Statement)).toEqual([]);
    }
  });
});
