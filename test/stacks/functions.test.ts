import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../stacks/config';
import { loadRulePack } from '../../src/rules/load';
import { asList, danglingReferences, FIXTURE_RULES, ref, statement, synth, type Json, type Statement, type Synthesized } from './support';

/**
 * The opt-in functions as synthesized, one configuration per option. Values AWS documents are
 * checked against what AWS documents (cited at each), not against what the code happens to write.
 */
const ACCOUNT = '111122223333';
const AUDIT_ARN = ref('aws_s3_bucket', 'audit_bucket', 'arn');
const KEY_ARN = ref('aws_kms_key', 'functions_key', 'arn');

/** Exact values and `wildcard` from EventBridge's documented pattern matching (content filtering page). */
function eventMatches(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([k, p]) => {
    const v = event[k];
    if (!Array.isArray(p)) return v !== null && typeof v === 'object' && eventMatches(p, v);
    return p.some((m) => (m && typeof m === 'object' && 'wildcard' in m ? typeof v === 'string' && new RegExp(`^${String(m.wildcard).split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(v) : m === v));
  });
}

function actionsOf(statements: Statement[]): string[] {
  return statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action) as string[]);
}

test('nothing of it by default', () => {
  const s = synth({ account: ACCOUNT });
  try {
    for (const t of ['aws_lambda_function', 'aws_sqs_queue', 'aws_s3_bucket_notification', 'aws_scheduler_schedule', 'aws_sfn_state_machine']) expect(s.resources(t)).toEqual({});
    expect(s.resources('aws_s3_bucket').functions_bucket).toBeUndefined();
  } finally {
    s.cleanup();
  }
});

describe('detection through the bucket notification', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ account: ACCOUNT, detection: { enabled: true, timeoutSeconds: 60, maxReceiveCount: 4, batchSize: 5 } });
  });
  afterAll(() => s?.cleanup());

  test('references resolve, no warnings beyond the default ones', () => {
    expect(danglingReferences(s.tf)).toEqual([]);
  });

  test('queue and dead-letter queue, both KMS-encrypted with the functions key; redrive after maxReceiveCount', () => {
    const q = s.resource('aws_sqs_queue', 'detection_queue');
    const dlq = s.resource('aws_sqs_queue', 'detection_dlq');
    expect(q.kms_master_key_id).toBe(KEY_ARN);
    expect(dlq.kms_master_key_id).toBe(KEY_ARN);
    expect(JSON.parse(q.redrive_policy)).toEqual({ deadLetterTargetArn: ref('aws_sqs_queue', 'detection_dlq', 'arn'), maxReceiveCount: 4 });
    // Lambda: "set the source queue's visibility timeout to at least six times the timeout of your function".
    expect(q.visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * 60);
    // SQS keeps a message at most 14 days (1,209,600 s).
    expect(dlq.message_retention_seconds).toBe(1209600);
    expect(JSON.parse(s.resource('aws_sqs_queue_redrive_allow_policy', 'detection_dlq_redrive_allow').redrive_allow_policy)).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [ref('aws_sqs_queue', 'detection_queue', 'arn')] });
  });

  test('only the audit bucket may send, over TLS; S3 may use the key to encrypt its notifications', () => {
    const st = s.policy('aws_sqs_queue_policy', 'detection_queue_policy');
    expect(statement(st, 'DeliveriesSendNotifications')).toMatchObject({
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Condition: { ArnEquals: { 'aws:SourceArn': AUDIT_ARN }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });
    expect(statement(st, 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
    // S3 to an SSE-KMS queue needs kms:GenerateDataKey and kms:Decrypt in the key policy (S3 notification docs).
    const key = s.policy('aws_kms_key', 'functions_key');
    expect(statement(key, 'DeliveriesEncryptQueueMessages')).toEqual({ Sid: 'DeliveriesEncryptQueueMessages', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' });
    expect(s.resource('aws_kms_key', 'functions_key').enable_key_rotation).toBe(true);
  });

  test('the bucket notifies on every object created under AWSLogs/ ending .json.gz, after the queue policy exists', () => {
    const n = s.resource('aws_s3_bucket_notification', 'audit_bucket_notification');
    expect(n.bucket).toBe(ref('aws_s3_bucket', 'audit_bucket', 'id'));
    expect(n.queue).toEqual([{ id: 'trailproof-detection', queue_arn: ref('aws_sqs_queue', 'detection_queue', 'arn'), events: ['s3:ObjectCreated:*'], filter_prefix: 'AWSLogs/', filter_suffix: '.json.gz' }]);
    expect(n.depends_on).toEqual(['aws_sqs_queue_policy.detection_queue_policy']);
  });

  test('the function: the bundle as an asset, reporting batch item failures', () => {
    const fn = s.resource('aws_lambda_function', 'detection_function');
    expect(fn).toMatchObject({ function_name: 'trailproof-detect', handler: 'handler/detect.handler', runtime: 'nodejs22.x', architectures: ['arm64'], timeout: 60, memory_size: 512 });
    expect(fn.environment.variables).toEqual({ TRAILPROOF_METRIC_NAMESPACE: 'CISBenchmark', TRAILPROOF_RULE_METRICS_NAMESPACE: 'trailproof/detection/rules', TRAILPROOF_SECURITY_HUB: 'true', TRAILPROOF_SCHEMA_CACHE: '/dev/null/no-schema-cache' });
    expect(fn.logging_config).toEqual({ log_format: 'Text', log_group: ref('aws_cloudwatch_log_group', 'detection_logs', 'name') });
    const zip = join(s.result.outdir, 'stacks', 'trailproof-audit', fn.filename);
    expect(existsSync(zip)).toBe(true);
    const listing = execFileSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zip], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['handler/detect.js', 'handler/posture.js', 'handler/backfill.js', 'package.json', 'rules/cis/cis-root-account-usage.json', 'schemas/rule.schema.json']));
    const m = s.resource('aws_lambda_event_source_mapping', 'detection_queue_mapping');
    expect(m).toMatchObject({ event_source_arn: ref('aws_sqs_queue', 'detection_queue', 'arn'), batch_size: 5, function_response_types: ['ReportBatchItemFailures'] });
    const logs = s.resource('aws_cloudwatch_log_group', 'detection_logs');
    expect(logs).toMatchObject({ name: '/aws/lambda/trailproof-detect', retention_in_days: 365, kms_key_id: KEY_ARN });
  });

  test('the function counts beside the alarms, not into them: every alarm already reads a metric filter on the trail log group', () => {
    const ns = s.resource('aws_lambda_function', 'detection_function').environment.variables.TRAILPROOF_RULE_METRICS_NAMESPACE;
    const alarms = Object.values(s.resources('aws_cloudwatch_metric_alarm'));
    const filters = Object.values(s.resources('aws_cloudwatch_log_metric_filter'));
    expect(alarms.length).toBeGreaterThan(10);
    expect(ns).toEqual(expect.any(String));
    // the trail still delivers to CloudWatch Logs, so a second writer to an alarm's metric would double-count
    for (const a of alarms) expect(a.namespace).not.toBe(ns);
    expect(filters.filter((f) => f.metric_transformation.namespace === ns)).toEqual([]);
    expect(s.resource('aws_cloudtrail', 'audit_trail').cloud_watch_logs_group_arn).toBeDefined();
  });

  test('the role: Security Hub only (the default publisher), no ledger, no bus, no topic', () => {
    const st = s.policy('aws_iam_role_policy', 'detection_role_policy');
    expect(actionsOf(st).sort()).toEqual(
      ['kms:Decrypt', 'kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 'securityhub:BatchImportFindings', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'].sort(),
    );
    expect(statement(st, 'ImportFindings').Resource).toBe(`arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`);
    expect(statement(st, 'ReadTrailLogFiles').Resource).toBe(`${AUDIT_ARN}/AWSLogs/*`);
    expect(JSON.parse(s.resource('aws_iam_role', 'detection_role').assume_role_policy).Statement).toEqual([{ Sid: 'ServiceAssumesRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  });

  test('a message in the dead-letter queue raises an alarm on the alarm topic', () => {
    expect(s.resource('aws_cloudwatch_metric_alarm', 'alarm_detection_dead_letters')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: ref('aws_sqs_queue', 'detection_dlq', 'name') },
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: [ref('aws_sns_topic', 'alarm_topic', 'arn')],
    });
  });
});

describe('detection through EventBridge, publishing to a bus and the topic', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ account: ACCOUNT, detection: { enabled: true, trigger: 'eventbridge', eventBridge: { busName: 'security' }, sns: true, severities: ['critical', 'high'] } });
  });
  afterAll(() => s?.cleanup());

  test('S3 sends events to EventBridge; the rule matches trail log files of the audit bucket, not digests', () => {
    expect(danglingReferences(s.tf)).toEqual([]);
    expect(s.resource('aws_s3_bucket_notification', 'audit_bucket_notification')).toMatchObject({ eventbridge: true });
    expect(s.resource('aws_s3_bucket_notification', 'audit_bucket_notification').queue).toBeUndefined();
    const pattern = JSON.parse(s.resource('aws_cloudwatch_event_rule', 'detection_object_created').event_pattern);
    const bucket = `trailproof-audit-${ACCOUNT}-us-east-1`;
    // The Object Created event as S3 documents it (ev-events.html), for a log file and for a digest.
    const created = (key: string) => ({ version: '0', 'detail-type': 'Object Created', source: 'aws.s3', account: ACCOUNT, region: 'us-east-1', resources: [`arn:aws:s3:::${bucket}`], detail: { version: '0', bucket: { name: bucket }, object: { key, size: 1024 }, reason: 'PutObject' } });
    // The rule names the bucket by reference; resolve it as Terraform would.
    const resolved = JSON.parse(JSON.stringify(pattern).replace(ref('aws_s3_bucket', 'audit_bucket', 'bucket'), bucket));
    expect(eventMatches(resolved, created(`AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/12/01/${ACCOUNT}_CloudTrail_us-east-1_20261201T0000Z_a.json.gz`))).toBe(true);
    expect(eventMatches(resolved, created(`AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/eu-west-1/2026/12/01/f.json.gz`))).toBe(true);
    expect(eventMatches(resolved, created(`AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/12/01/d.json.gz`))).toBe(false);
    expect(eventMatches(resolved, { ...created(`AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/12/01/a.json.gz`), 'detail-type': 'Object Deleted' })).toBe(false);
    const target = s.resource('aws_cloudwatch_event_target', 'detection_object_created_target');
    expect(target).toMatchObject({ arn: ref('aws_sqs_queue', 'detection_queue', 'arn'), depends_on: ['aws_sqs_queue_policy.detection_queue_policy'] });
    expect(statement(s.policy('aws_sqs_queue_policy', 'detection_queue_policy'), 'DeliveriesSendNotifications')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': ref('aws_cloudwatch_event_rule', 'detection_object_created', 'arn') } },
    });
  });

  test('the function publishes to the bus and the topic and keeps its ledger in the functions bucket; the role says exactly that', () => {
    const fn = s.resource('aws_lambda_function', 'detection_function');
    expect(fn.environment.variables).toMatchObject({ TRAILPROOF_PUBLISH_SEVERITIES: 'critical,high', TRAILPROOF_EVENT_BUS: 'security', TRAILPROOF_TOPIC_ARN: ref('aws_sns_topic', 'alarm_topic', 'arn'), TRAILPROOF_STATE_BUCKET: ref('aws_s3_bucket', 'functions_bucket', 'bucket'), TRAILPROOF_STATE_PREFIX: 'state/published/' });
    const st = s.policy('aws_iam_role_policy', 'detection_role_policy');
    expect(statement(st, 'PutFindingEvents').Resource).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/security`);
    expect(statement(st, 'PublishFindings').Resource).toBe(ref('aws_sns_topic', 'alarm_topic', 'arn'));
    // The topic's own key setting, which is the topic key.
    expect(statement(st, 'EncryptForTopic').Resource).toBe(ref('aws_sns_topic', 'alarm_topic', 'kms_master_key_id'));
    expect(s.resource('aws_sns_topic', 'alarm_topic').kms_master_key_id).toBe(ref('aws_kms_key', 'topic_key', 'arn'));
    expect(statement(st, 'ReadWriteLedger').Resource).toBe(`${ref('aws_s3_bucket', 'functions_bucket', 'arn')}/state/published/*`);
  });
});

describe('scheduled posture scan and backfill', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ account: ACCOUNT, regions: ['us-east-1', 'eu-west-1'], schedule: { enabled: true, expression: 'cron(0 6 * * ? *)', timezone: 'Europe/Paris' }, backfill: { enabled: true, itemsPerBatch: 40, maxConcurrency: 20 } });
  });
  afterAll(() => s?.cleanup());

  test('EventBridge Scheduler invokes the posture function through a role that may invoke only it', () => {
    expect(danglingReferences(s.tf)).toEqual([]);
    const sch = s.resource('aws_scheduler_schedule', 'posture_schedule');
    expect(sch).toMatchObject({ schedule_expression: 'cron(0 6 * * ? *)', schedule_expression_timezone: 'Europe/Paris', flexible_time_window: { mode: 'OFF' } });
    expect(sch.target).toMatchObject({ arn: ref('aws_lambda_function', 'posture_scan_function', 'arn'), role_arn: ref('aws_iam_role', 'posture_scheduler_role', 'arn') });
    // EventBridge Scheduler's execution-role page: trust scheduler.amazonaws.com for this account only.
    expect(JSON.parse(s.resource('aws_iam_role', 'posture_scheduler_role').assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } });
    expect(actionsOf(s.policy('aws_iam_role_policy', 'posture_scheduler_role_policy'))).toEqual(['lambda:InvokeFunction']);
    const fn = s.resource('aws_lambda_function', 'posture_scan_function');
    expect(fn.environment.variables).toMatchObject({ TRAILPROOF_REGIONS: 'us-east-1,eu-west-1', TRAILPROOF_REPORTS_PREFIX: 'reports/posture/', TRAILPROOF_REPORTS_KMS_KEY: KEY_ARN, TRAILPROOF_SECURITY_HUB: 'true' });
    const st = s.policy('aws_iam_role_policy', 'posture_scan_role_policy');
    expect(statement(st, 'WriteReports').Resource).toBe(`${ref('aws_s3_bucket', 'functions_bucket', 'arn')}/reports/posture/*`);
    // Read-only: every action a Describe/Get/List/Select (and the findings it imports).
    for (const a of actionsOf(st)) expect(a).toMatch(/^(logs:(CreateLogStream|PutLogEvents)|s3:PutObject|kms:GenerateDataKey|securityhub:BatchImportFindings|[a-z]+:(Describe|Get|List|Select|BatchGet)\w+)$/);
  });

  test('the backfill state machine: a Distributed Map over the archive in batches, results to S3, then the merge', () => {
    const m = s.resource('aws_sfn_state_machine', 'backfill_state_machine');
    const def = JSON.parse(m.definition);
    const map = def.States.ScanArchive;
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemReader).toEqual({ Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: ref('aws_s3_bucket', 'audit_bucket', 'bucket'), 'Prefix.$': '$.prefix' } });
    expect(map.ItemBatcher.MaxItemsPerBatch).toBe(40);
    expect(map.MaxConcurrency).toBe(20);
    expect(map.ResultWriter.Parameters.Bucket).toBe(ref('aws_s3_bucket', 'functions_bucket', 'bucket'));
    expect(map.ItemProcessor.States.ScanBatch.Parameters.FunctionName).toBe(ref('aws_lambda_function', 'backfill_function', 'arn'));
    expect(map.Next).toBe('Merge');
    expect(def.States.Merge).toMatchObject({ Type: 'Task', End: true, Parameters: { FunctionName: ref('aws_lambda_function', 'backfill_function', 'arn') } });
    const st = s.policy('aws_iam_role_policy', 'backfill_state_machine_role_policy');
    // Distributed Map runs child executions of its own state machine (Step Functions IAM guide).
    expect(statement(st, 'RunChildExecutions').Resource).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:trailproof-backfill`);
    expect(statement(st, 'ListArchive')).toMatchObject({ Action: 's3:ListBucket', Resource: AUDIT_ARN });
  });

  test('every function log group is encrypted with a key CloudWatch Logs may use for exactly those groups', () => {
    const groups = Object.values(s.resources('aws_cloudwatch_log_group')).filter((g) => String(g.name).startsWith('/aws/lambda/'));
    expect(groups.map((g) => g.name).sort()).toEqual(['/aws/lambda/trailproof-backfill', '/aws/lambda/trailproof-posture-scan']);
    const st = statement(s.policy('aws_kms_key', 'functions_key'), 'CloudWatchLogsEncryptsFunctionLogs');
    expect(st.Condition!.ArnEquals['kms:EncryptionContext:aws:logs:arn']).toEqual([
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/trailproof-posture-scan`,
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/trailproof-backfill`,
    ]);
  });
});

describe('configuration', () => {
  test('defaults', () => {
    const c = resolveConfig({ detection: { enabled: true } });
    expect(c.detection).toEqual({ enabled: true, trigger: 's3-notification', securityHub: true, eventBus: undefined, sns: false, severities: undefined, alarmSource: 'metric-filters', batchSize: 10, batchingWindowSeconds: 0, maxReceiveCount: 5, memoryMb: 512, timeoutSeconds: 120, maxConcurrency: undefined });
    expect(resolveConfig({ detection: { eventBridge: true } }).detection.eventBus).toBe('default');
    expect(resolveConfig({ regions: ['us-east-1', 'eu-west-1'] }).schedule).toMatchObject({ enabled: false, expression: 'rate(1 day)', regions: ['us-east-1', 'eu-west-1'] });
  });

  test('errors name the field', () => {
    // SQS event source mappings: a batch size over 10 needs MaximumBatchingWindowInSeconds >= 1.
    expect(() => resolveConfig({ detection: { batchSize: 100 } })).toThrow('/detection/batchingWindowSeconds: a batchSize over 10 needs');
    expect(() => resolveConfig({ detection: { enabled: true, securityHub: false } })).toThrow('/detection: detection enabled with nowhere to publish');
    expect(() => resolveConfig({ detection: { trigger: 'kinesis' } })).toThrow('/detection/trigger');
    expect(() => resolveConfig({ schedule: { expression: 'every day' } })).toThrow('/schedule/expression');
    expect(() => resolveConfig({ backfill: { itemsPerBatch: 0 } })).toThrow('/backfill/itemsPerBatch');
    expect(() => resolveConfig({ detection: { timeoutSeconds: 901 } })).toThrow('/detection/timeoutSeconds');
  });
});

test('with every function on, the posture gate still passes: the new log groups, bucket and key hold the same controls', async () => {
  const { runScan } = await import('../../src/scan/run-scan');
  const { loadRulePack } = await import('../../src/rules/load');
  const s = synth({ account: ACCOUNT, notifications: [{ protocol: 'email', endpoint: 'soc@example.com' }], detection: { enabled: true, eventBridge: true, sns: true }, schedule: { enabled: true }, backfill: { enabled: true } });
  try {
    const doc = await runScan({ pack: loadRulePack(), events: [], terraform: [s.result.outdir] });
    const findings = [...doc.findings];
    doc.findings.close();
    // The function log groups are judged like the trail's (retention, KMS).
    expect(findings.some((f) => f.subject.kind === 'resource' && String(f.subject.resourceId).includes('/aws/lambda/trailproof-detect'))).toBe(true);
    expect(findings.filter((f) => f.status === 'fail').map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  } finally {
    s.cleanup();
  }
});

test("the README's detection example is a valid configuration that turns every function on", () => {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:detection -->'), readme.indexOf('<!-- /section:detection -->'));
  const example = /```json\n([\s\S]*?)```/.exec(section);
  expect(example).not.toBeNull();
  const c = resolveConfig(JSON.parse(example![1]), 'README.md');
  expect([c.detection.enabled, c.schedule.enabled, c.backfill.enabled]).toEqual([true, true, true]);
  expect(c.detection.severities).toEqual(['critical', 'high', 'medium']);
});

test('the asset carries the configured rule pack (alarms.rulesDir), the one the alarms are built from', () => {
  const s = synth({ account: ACCOUNT, alarms: { rulesDir: FIXTURE_RULES }, detection: { enabled: true } });
  try {
    const zip = join(s.result.outdir, 'stacks', 'trailproof-audit', s.resource('aws_lambda_function', 'detection_function').filename);
    const rules = execFileSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("rules/") and not n.endswith("/")))', zip], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(rules).toEqual(['rules/root-usage.json', 'rules/trail-changes.json', 'rules/unauthorized.json']);
  } finally {
    s.cleanup();
  }
});

describe("detection.alarmSource 'detection': the alarms read the function's metrics, the trail is not ingested by CloudWatch Logs", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ account: ACCOUNT, alarms: { rulesDir: FIXTURE_RULES }, detection: { enabled: true, alarmSource: 'detection' } });
  });
  afterAll(() => s.cleanup());

  test('no CloudWatch Logs delivery, no log group, no metric filters, no saved queries', () => {
    const trail = s.resource('aws_cloudtrail', 'audit_trail');
    expect(trail.cloud_watch_logs_group_arn).toBeUndefined();
    expect(trail.cloud_watch_logs_role_arn).toBeUndefined();
    expect(trail).toMatchObject({ is_multi_region_trail: true, enable_log_file_validation: true, include_global_service_events: true });
    expect(s.resources('aws_cloudwatch_log_group').trail_log_group).toBeUndefined();
    expect(s.resources('aws_iam_role').trail_logs_role).toBeUndefined();
    expect(Object.keys(s.resources('aws_cloudwatch_log_metric_filter'))).toEqual([]);
    expect(Object.keys(s.resources('aws_cloudwatch_query_definition'))).toEqual([]);
    expect(s.result.warnings).toEqual(expect.arrayContaining([expect.stringContaining("the trail does not deliver to CloudWatch Logs")]));
  });

  test("every rule alarm watches the metric the function writes for its rule (the rule's namespace, else the stack's; no dimensions)", () => {
    const fn = s.resource('aws_lambda_function', 'detection_function');
    // unset: the handler writes each rule's count where its alarm looks (src/lambda/detect.ts)
    expect(fn.environment.variables.TRAILPROOF_RULE_METRICS_NAMESPACE).toBeUndefined();
    expect(fn.environment.variables.TRAILPROOF_METRIC_NAMESPACE).toBe('CISBenchmark');
    const pack = loadRulePack({ dir: FIXTURE_RULES });
    const written = pack.rules
      .filter((r) => r.target === 'event' && r.cloudwatch)
      .map((r) => `${r.cloudwatch!.metricNamespace ?? 'CISBenchmark'}/${r.cloudwatch!.metricName}`)
      .sort();
    // every alarm but the trail's delivery health and the dead-letter queue's (an AWS/SQS metric)
    const alarms = Object.entries(s.resources('aws_cloudwatch_metric_alarm')).filter(([name, a]) => name !== 'alarm_trail_delivery_stopped' && !String(a.namespace).startsWith('AWS/'));
    expect(alarms.map(([, a]) => `${a.namespace}/${a.metric_name}`).sort()).toEqual(written);
    expect(written).toContain('SecurityAlarms/UnauthorizedAPICalls');
    for (const [, a] of alarms) expect(a.dimensions).toBeUndefined();
  });

  test("delivery health asks the function's file count, and the dashboard shows the function's counts", () => {
    const health = s.resource('aws_cloudwatch_metric_alarm', 'alarm_trail_delivery_stopped');
    expect(health).toMatchObject({ namespace: 'trailproof/detection', metric_name: 'Files', comparison_operator: 'LessThanThreshold', treat_missing_data: 'missing' });
    const body = JSON.stringify(s.resource('aws_cloudwatch_dashboard', 'audit_dashboard').dashboard_body);
    expect(body).toContain('trailproof/detection');
    expect(body).not.toContain('IncomingLogEvents');
  });

  test('asking for it without the detection function is a configuration error', () => {
    expect(() => resolveConfig({ detection: { alarmSource: 'detection' } }, 'test')).toThrow(/alarmSource.*set detection\.enabled/);
  });
});
