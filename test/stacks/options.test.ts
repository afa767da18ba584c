import { FIXTURE_RULES, danglingReferences, ref, statement, synth, type Synthesized } from './support';

/** Every optional part switched on (or narrowed), then every optional part switched off. */
describe('options on', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({
      stackName: 'org-audit',
      namePrefix: 'acme',
      account: '111122223333',
      region: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1'],
      tags: { Team: 'security' },
      backend: { s3: { bucket: 'acme-tf-state', key: 'audit/terraform.tfstate' } },
      trail: {
        name: 'acme-org-trail',
        organization: { enabled: true, organizationId: 'o-abc123def456' },
        insights: ['ApiCallRateInsight', 'ApiErrorRateInsight'],
        dataEvents: { s3: { mode: 'WriteOnly', buckets: ['acme-payroll', 'acme-secrets'] }, lambda: true },
      },
      opsTrail: { enabled: true, name: 'acme-ops' },
      logs: { retentionDays: 731 },
      storage: { objectLock: { mode: 'COMPLIANCE', days: 365 } },
      alarms: { rulesDir: FIXTURE_RULES, namespace: 'AcmeSecurity' },
      notifications: [
        { protocol: 'email', endpoint: 'soc@acme.example' },
        { protocol: 'sms', endpoint: '+15555550123' },
        { protocol: 'https', endpoint: 'https://hooks.acme.example/alarms', rawMessageDelivery: true },
        { protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-west-1:111122223333:alarm-queue' },
        { protocol: 'lambda', endpoint: 'arn:aws:lambda:eu-west-1:111122223333:function:page-oncall' },
      ],
      config: { snapshotFrequency: 'Six_Hours', globalResourcesInAllRegions: false },
      securityHub: { standards: ['cis-aws-foundations-benchmark/v/1.2.0', 'aws-foundational-security-best-practices/v/1.0.0'] },
      eventBridge: { enabled: true, severities: ['critical', 'high'] },
    });
  });
  afterAll(() => s?.cleanup());

  const TRAIL = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/acme-org-trail';
  const OPS = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/acme-ops';

  test('literal account: no caller-identity lookup, provider pinned to the account', () => {
    expect(s.tf.data?.aws_caller_identity).toBeUndefined();
    expect(s.tf.provider.aws[0]).toEqual({ region: 'eu-west-1', allowed_account_ids: ['111122223333'], default_tags: [{ tags: { ManagedBy: 'trailproof', Team: 'security' } }] });
    expect(s.resource('aws_s3_bucket', 'audit_bucket').bucket).toBe('acme-audit-111122223333-eu-west-1');
    expect(s.resource('aws_s3_bucket', 'operations_bucket').bucket).toBe('acme-operations-111122223333-eu-west-1');
    expect(s.resource('aws_s3_bucket', 'audit_bucket').bucket_prefix).toBeUndefined();
  });

  test('every reference and dependency names a declared resource', () => {
    expect(danglingReferences(s.tf)).toEqual([]);
    expect(s.result.warnings).toEqual([]);
  });

  test('remote state in S3, encrypted, with S3-native locking', () => {
    expect(s.tf.terraform.backend).toEqual({ s3: { bucket: 'acme-tf-state', key: 'audit/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } });
  });

  test('organization trail with Insights; the org folder is writable, the org streams too', () => {
    const t = s.resource('aws_cloudtrail', 'audit_trail');
    expect(t.is_organization_trail).toBe(true);
    expect(t.insight_selector).toEqual([{ insight_type: 'ApiCallRateInsight' }, { insight_type: 'ApiErrorRateInsight' }]);
    const bucketPolicy = s.policy('aws_s3_bucket_policy', 'audit_bucket_policy');
    const arn = ref('aws_s3_bucket', 'audit_bucket', 'arn');
    expect(statement(bucketPolicy, 'CloudTrailWritesLogFiles').Resource).toBe(`${arn}/AWSLogs/111122223333/*`);
    expect(statement(bucketPolicy, 'CloudTrailWritesOrganizationLogFiles').Resource).toBe(`${arn}/AWSLogs/o-abc123def456/*`);
    const streams = s.policy('aws_iam_role_policy', 'trail_logs_role_policy')[0].Resource;
    expect(streams).toContain('arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/acme-org-trail:log-stream:o-abc123def456_*');
  });

  test('data events narrowed to writes on the named buckets, plus Lambda', () => {
    const selectors = s.resource('aws_cloudtrail', 'audit_trail').advanced_event_selector as { name: string; field_selector: unknown[] }[];
    const s3 = selectors.find((x) => JSON.stringify(x).includes('AWS::S3::Object'));
    expect(s3?.field_selector).toEqual([
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::S3::Object'] },
      { field: 'readOnly', equals: ['false'] },
      { field: 'resources.ARN', starts_with: ['arn:aws:s3:::acme-payroll/', 'arn:aws:s3:::acme-secrets/'] },
    ]);
    expect(selectors.some((x) => JSON.stringify(x).includes('AWS::Lambda::Function'))).toBe(true);
  });

  test('a separate operations trail with its own hardened bucket, sharing the key', () => {
    const ops = s.resource('aws_cloudtrail', 'operations_trail');
    expect(ops.name).toBe('acme-ops');
    expect(ops.s3_bucket_name).toBe(ref('aws_s3_bucket', 'operations_bucket', 'id'));
    expect([ops.is_multi_region_trail, ops.enable_log_file_validation, ops.include_global_service_events]).toEqual([true, true, true]);
    expect(ops.kms_key_id).toBe(ref('aws_kms_key', 'trail_key', 'arn'));
    expect(ops.cloud_watch_logs_group_arn).toBeUndefined();
    expect(statement(s.policy('aws_s3_bucket_policy', 'operations_bucket_policy'), 'CloudTrailWritesLogFiles').Condition?.StringEquals['aws:SourceArn']).toBe(OPS);
    expect(statement(s.policy('aws_kms_key', 'trail_key'), 'CloudTrailEncryptsLogs').Condition?.StringEquals['aws:SourceArn']).toEqual([TRAIL, OPS]);
    expect(s.resource('aws_s3_bucket_logging', 'operations_bucket_logging').target_bucket).toBe(ref('aws_s3_bucket', 'access_log_bucket', 'id'));
    expect(s.resource('aws_s3_bucket_public_access_block', 'operations_bucket_public_access_block').block_public_policy).toBe(true);
    // The operations bucket does not take Config snapshots.
    expect(s.policy('aws_s3_bucket_policy', 'operations_bucket_policy').map((x) => x.Sid)).not.toContain('ConfigWritesSnapshots');
  });

  test('Object Lock on the audit bucket: created with it, default retention from the config', () => {
    expect(s.resource('aws_s3_bucket', 'audit_bucket').object_lock_enabled).toBe(true);
    const lock = s.resource('aws_s3_bucket_object_lock_configuration', 'audit_bucket_object_lock');
    expect(lock.bucket).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    expect(lock.rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 365 } });
    expect(lock.depends_on).toEqual(['aws_s3_bucket_versioning.audit_bucket_versioning']);
    expect(s.resource('aws_s3_bucket', 'access_log_bucket').object_lock_enabled).toBeUndefined();
  });

  test('log retention and alarm namespace from the config', () => {
    expect(s.resource('aws_cloudwatch_log_group', 'trail_log_group').retention_in_days).toBe(731);
    const root = s.resource('aws_cloudwatch_metric_alarm', 'alarm_fixture_root_account_usage');
    expect(root.namespace).toBe('AcmeSecurity');
    expect(root.alarm_name).toBe('acme-fixture-root-account-usage');
    // A rule that names its own namespace keeps it.
    expect(s.resource('aws_cloudwatch_metric_alarm', 'alarm_fixture_unauthorized_api_calls').namespace).toBe('SecurityAlarms');
  });

  test('one subscription per configured endpoint; Lambda gets permission for this topic only', () => {
    const subs = Object.values(s.resources('aws_sns_topic_subscription')).map((x) => [x.protocol, x.endpoint, x.raw_message_delivery ?? null]);
    expect(subs).toEqual([
      ['email', 'soc@acme.example', null],
      ['sms', '+15555550123', null],
      ['https', 'https://hooks.acme.example/alarms', true],
      ['sqs', 'arn:aws:sqs:eu-west-1:111122223333:alarm-queue', null],
      ['lambda', 'arn:aws:lambda:eu-west-1:111122223333:function:page-oncall', null],
    ]);
    const perms = Object.values(s.resources('aws_lambda_permission'));
    expect(perms).toEqual([
      expect.objectContaining({
        action: 'lambda:InvokeFunction',
        function_name: 'arn:aws:lambda:eu-west-1:111122223333:function:page-oncall',
        principal: 'sns.amazonaws.com',
        source_arn: ref('aws_sns_topic', 'alarm_topic', 'arn'),
      }),
    ]);
  });

  test('Config and Security Hub in every region; global types only in the home region when asked', () => {
    const recorders = s.resources('aws_config_configuration_recorder');
    expect(Object.keys(recorders).sort()).toEqual(['config_recorder', 'config_recorder_us_east_1']);
    expect(recorders.config_recorder.region).toBeUndefined();
    expect(recorders.config_recorder.recording_group.include_global_resource_types).toBe(true);
    expect(recorders.config_recorder_us_east_1.region).toBe('us-east-1');
    expect(recorders.config_recorder_us_east_1.recording_group).toEqual({ all_supported: true, include_global_resource_types: false });
    const channel = s.resource('aws_config_delivery_channel', 'config_delivery_channel_us_east_1');
    expect([channel.region, channel.s3_bucket_name, channel.snapshot_delivery_properties.delivery_frequency]).toEqual(['us-east-1', ref('aws_s3_bucket', 'audit_bucket', 'id'), 'Six_Hours']);
    expect(s.resource('aws_config_configuration_recorder_status', 'config_recorder_status_us_east_1').region).toBe('us-east-1');
    expect(s.resource('aws_securityhub_account', 'securityhub_us_east_1').region).toBe('us-east-1');
    const arns = Object.values(s.resources('aws_securityhub_standards_subscription')).map((x) => x.standards_arn).sort();
    expect(arns).toEqual([
      'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0',
      'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0',
      'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0',
      'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
    ]);
  });

  test('EventBridge rules for the critical and high rules, publishing to the topic', () => {
    const rules = s.resources('aws_cloudwatch_event_rule');
    // fixture-root-account-usage is critical, fixture-cloudtrail-changes high, fixture-unauthorized-api-calls medium.
    // Home region eu-west-1, plus a forwarding copy in us-east-1 (the other configured region).
    expect(Object.keys(rules).sort()).toEqual([
      'event_rule_fixture_cloudtrail_changes',
      'event_rule_fixture_cloudtrail_changes_us_east_1',
      'event_rule_fixture_root_account_usage',
      'event_rule_fixture_root_account_usage_us_east_1',
    ]);
    expect(JSON.parse(rules.event_rule_fixture_root_account_usage.event_pattern)).toEqual({
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
      detail: { userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] }, eventType: [{ 'anything-but': 'AwsServiceEvent' }] },
    });
    const target = s.resource('aws_cloudwatch_event_target', 'event_target_fixture_root_account_usage');
    expect(target.arn).toBe(ref('aws_sns_topic', 'alarm_topic', 'arn'));
    expect(target.rule).toBe(ref('aws_cloudwatch_event_rule', 'event_rule_fixture_root_account_usage', 'name'));
    const publish = statement(JSON.parse(s.resource('aws_sns_topic_policy', 'alarm_topic_policy').policy).Statement, 'EventBridgeRulesPublish');
    expect(publish.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(publish.Condition?.ArnLike['aws:SourceArn']).toBe('arn:aws:events:eu-west-1:111122223333:rule/*');
    const keyPolicy = s.policy('aws_kms_key', 'topic_key');
    expect(statement(keyPolicy, 'AlarmServicesUseKeyForTopic').Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(statement(keyPolicy, 'EventBridgeUsesKeyForTopic').Principal).toEqual({ Service: 'events.amazonaws.com' });
  });
});

describe('options off', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({
      alarms: { rulesDir: FIXTURE_RULES, deliveryHealth: false },
      trail: { dataEvents: { s3: { mode: 'None' } } },
      config: { enabled: false },
      securityHub: { enabled: false },
      dashboard: { enabled: false },
    });
  });
  afterAll(() => s?.cleanup());

  test('the optional parts are absent and the core chain stays', () => {
    for (const type of ['aws_s3_bucket_object_lock_configuration', 'aws_config_configuration_recorder', 'aws_config_delivery_channel', 'aws_securityhub_account', 'aws_cloudwatch_dashboard', 'aws_sns_topic_subscription', 'aws_cloudwatch_event_rule']) {
      expect([type, s.resources(type)]).toEqual([type, {}]);
    }
    expect(Object.keys(s.resources('aws_cloudwatch_metric_alarm')).sort()).toEqual([
      'alarm_fixture_cloudtrail_changes',
      'alarm_fixture_root_account_usage',
      'alarm_fixture_unauthorized_api_calls',
    ]);
    const selectors = s.resource('aws_cloudtrail', 'audit_trail').advanced_event_selector as unknown[];
    expect(selectors).toEqual([{ name: 'Management events, read and write', field_selector: [{ field: 'eventCategory', equals: ['Management'] }] }]);
    expect(s.policy('aws_s3_bucket_policy', 'audit_bucket_policy').map((x) => x.Sid)).not.toContain('ConfigWritesSnapshots');
  });

  test('every reference and dependency names a declared resource', () => {
    expect(danglingReferences(s.tf)).toEqual([]);
  });

  test('a topic without subscribers is called out at synth', () => {
    expect(s.result.warnings).toEqual([expect.stringContaining('no notifications configured')]);
  });
});

test('the reference check itself sees a dangling reference', () => {
  expect(danglingReferences({ resource: { aws_sns_topic: { t: { kms_master_key_id: '${aws_kms_key.gone.arn}', depends_on: ['aws_iam_role.gone'] } } } })).toEqual([
    'aws_kms_key.gone.arn',
    'depends_on aws_iam_role.gone',
  ]);
});

describe('data events in a separate trail', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ account: '111122223333', alarms: { rulesDir: FIXTURE_RULES }, trail: { dataEvents: { s3: { mode: 'ReadOnly' }, separateTrail: true } } });
  });
  afterAll(() => s?.cleanup());

  test('the audit trail (and its log group) carries management events only', () => {
    expect(s.resource('aws_cloudtrail', 'audit_trail').advanced_event_selector).toEqual([
      { name: 'Management events, read and write', field_selector: [{ field: 'eventCategory', equals: ['Management'] }] },
    ]);
  });

  test('the data-event trail logs S3 objects to the audit bucket, never to CloudWatch Logs', () => {
    const t = s.resource('aws_cloudtrail', 'data_events_trail');
    expect(t.name).toBe('trailproof-data-events');
    expect([t.is_multi_region_trail, t.enable_log_file_validation, t.enable_logging]).toEqual([true, true, true]);
    expect(t.kms_key_id).toBe(ref('aws_kms_key', 'trail_key', 'arn'));
    expect(t.s3_bucket_name).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    expect(t.cloud_watch_logs_group_arn).toBeUndefined();
    expect(t.advanced_event_selector).toEqual([
      {
        name: 'S3 object-level events, read only',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::S3::Object'] },
          { field: 'readOnly', equals: ['true'] },
        ],
      },
    ]);
    const both = ['arn:aws:cloudtrail:us-east-1:111122223333:trail/trailproof-audit', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/trailproof-data-events'];
    expect(statement(s.policy('aws_s3_bucket_policy', 'audit_bucket_policy'), 'CloudTrailWritesLogFiles').Condition?.StringEquals['aws:SourceArn']).toEqual(both);
    expect(statement(s.policy('aws_kms_key', 'trail_key'), 'CloudTrailEncryptsLogs').Condition?.StringEquals['aws:SourceArn']).toEqual(both);
    expect(danglingReferences(s.tf)).toEqual([]);
  });
});
