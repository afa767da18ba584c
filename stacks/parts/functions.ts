import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { AssetType, TerraformAsset, TerraformOutput } from 'cdktf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLambdaAsset } from '../../src/lambda/bundle';
import { METRIC_NAMESPACES } from '../../src/lambda/emf';
import { ENV, NO_SCHEMA_CACHE } from '../../src/lambda/environment';
import { backfillDefinition } from '../backfill-definition';
import {
  backfillRolePolicy,
  deliveryQueuePolicy,
  detectionRolePolicy,
  type FunctionArns,
  FUNCTIONS_PREFIX,
  functionsBucketPolicy,
  functionsKeyPolicy,
  postureRolePolicy,
  schedulerRolePolicy,
  stateMachineRolePolicy,
} from '../function-policies';
import { assumedBy, type PolicyDocument } from '../policies';
import { hardenBucket, newBucket } from './bucket';
import { type BuildContext, json } from './context';
import { customerKey } from './key';

export interface FunctionInputs {
  auditBucket: S3Bucket;
  trailKey: KmsKey;
  topic: SnsTopic;
}

/** A runtime whose support outlasts Node 20's; arm64 costs less per GB-second than x86_64. */
const RUNTIME = 'nodejs22.x';
const ARCHITECTURE = 'arm64';

/** Asset directories built during this process, removed at exit (cdktf copies them into the output at synth). */
const built: string[] = [];
process.once('exit', () => {
  for (const d of built) rmSync(d, { recursive: true, force: true });
});

/**
 * Services whose pages document `aws:SourceAccount` in a role's trust policy (EventBridge
 * Scheduler's execution role, Step Functions' confused-deputy guidance); Lambda's execution role
 * page does not, and a condition the service does not send would stop the function assuming it.
 */
const TRUST_NAMES_ACCOUNT = new Set(['scheduler.amazonaws.com', 'states.amazonaws.com']);

function role(ctx: BuildContext, id: string, name: string, service: string, policy: PolicyDocument): { role: IamRole; policy: IamRolePolicy } {
  const r = new IamRole(ctx.stack, `${id}_role`, { name, assumeRolePolicy: json(assumedBy(service, ctx.policy, { sourceAccount: TRUST_NAMES_ACCOUNT.has(service) })) });
  const p = new IamRolePolicy(ctx.stack, `${id}_role_policy`, { role: r.id, name: `${name}-policy`, policy: json(policy) });
  return { role: r, policy: p };
}

interface FunctionSpec {
  id: string;
  name: string;
  handler: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  policy: PolicyDocument;
}

/**
 * The opt-in functions (config `detection`, `schedule`, `backfill`): one code asset (the
 * project's scanner bundled by esbuild, the rule pack beside it), a functions bucket and key for
 * queue messages, reports, the publication ledger and the functions' log groups, and per option
 * its trigger. See docs/stacks.md, "Detection on AWS".
 */
export function auditFunctions(ctx: BuildContext, inputs: FunctionInputs): void {
  const { stack, config, policy: pc } = ctx;
  const prefix = config.namePrefix;
  const names = {
    detect: `${prefix}-detect`,
    posture: `${prefix}-posture-scan`,
    backfill: `${prefix}-backfill`,
    stateMachine: `${prefix}-backfill`,
  };
  const deployed = [config.detection.enabled && names.detect, config.schedule.enabled && names.posture, config.backfill.enabled && names.backfill].filter((n): n is string => !!n);
  const sender = !config.detection.enabled ? undefined : config.detection.trigger === 'eventbridge' ? ('events.amazonaws.com' as const) : ('s3.amazonaws.com' as const);

  const key = customerKey(ctx, 'functions_key', `${prefix}: detection queue, function reports, ledger and logs`, functionsKeyPolicy(pc, { queueSender: sender, functionNames: deployed }));
  const bucket = newBucket(ctx, 'functions_bucket', { name: config.account ? `${prefix}-functions-${config.account}-${config.region}` : undefined, prefix: `${prefix}-functions-` });
  hardenBucket(ctx, bucket, {
    kmsKeyArn: key.arn,
    policy: functionsBucketPolicy(bucket.arn),
    lifecycle: { expireAfterDays: config.storage.expireAfterDays, noncurrentExpireAfterDays: 30 },
  });
  const arns: FunctionArns = { functionsBucketArn: bucket.arn, functionsKeyArn: key.arn, auditBucketArn: inputs.auditBucket.arn, trailKeyArn: inputs.trailKey.arn };

  const dir = mkdtempSync(join(tmpdir(), 'trailproof-functions-'));
  built.push(dir);
  const code = buildLambdaAsset(join(dir, 'asset'), { rulesDir: config.alarms.rulesDir });
  const asset = new TerraformAsset(stack, 'functions_asset', { path: code.dir, type: AssetType.ARCHIVE });

  const lambda = (s: FunctionSpec): { fn: LambdaFunction; role: IamRole } => {
    const logs = new CloudwatchLogGroup(stack, `${s.id}_logs`, { name: `/aws/lambda/${s.name}`, retentionInDays: config.logs.retentionDays, kmsKeyId: key.arn });
    const r = role(ctx, s.id, s.name, 'lambda.amazonaws.com', s.policy);
    const fn = new LambdaFunction(stack, `${s.id}_function`, {
      functionName: s.name,
      role: r.role.arn,
      runtime: RUNTIME,
      architectures: [ARCHITECTURE],
      handler: s.handler,
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      memorySize: s.memoryMb,
      timeout: s.timeoutSeconds,
      environment: { variables: { ...s.environment, ...NO_SCHEMA_CACHE } },
      loggingConfig: { logFormat: 'Text', logGroup: logs.name },
      // The role's policy must be in place before the first invocation, the group before the first line.
      dependsOn: [logs, r.policy],
    });
    return { fn, role: r.role };
  };

  if (config.detection.enabled) {
    const d = config.detection;
    const dlq = new SqsQueue(stack, 'detection_dlq', { name: `${names.detect}-dlq`, kmsMasterKeyId: key.arn, messageRetentionSeconds: 1_209_600 });
    // Lambda's guidance: a visibility timeout of at least six times the function's timeout.
    const queue = new SqsQueue(stack, 'detection_queue', {
      name: names.detect,
      kmsMasterKeyId: key.arn,
      visibilityTimeoutSeconds: Math.min(6 * d.timeoutSeconds, 43_200),
      messageRetentionSeconds: 1_209_600,
      redrivePolicy: json({ deadLetterTargetArn: dlq.arn, maxReceiveCount: d.maxReceiveCount }),
    });
    new SqsQueueRedriveAllowPolicy(stack, 'detection_dlq_redrive_allow', { queueUrl: dlq.url, redriveAllowPolicy: json({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }) });

    let queuePolicy: SqsQueuePolicy;
    if (d.trigger === 'eventbridge') {
      const rule = new CloudwatchEventRule(stack, 'detection_object_created', {
        name: `${names.detect}-object-created`,
        description: 'trailproof: each CloudTrail log file delivered to the audit bucket',
        eventPattern: json({
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [inputs.auditBucket.bucket] }, object: { key: [{ wildcard: 'AWSLogs/*/CloudTrail/*' }] } },
        }),
      });
      queuePolicy = new SqsQueuePolicy(stack, 'detection_queue_policy', { queueUrl: queue.url, policy: json(deliveryQueuePolicy(pc, { queueArn: queue.arn, sender: 'events.amazonaws.com', sourceArn: rule.arn })) });
      new CloudwatchEventTarget(stack, 'detection_object_created_target', { rule: rule.name, arn: queue.arn, targetId: 'detection-queue', dependsOn: [queuePolicy] });
      new S3BucketNotification(stack, 'audit_bucket_notification', { bucket: inputs.auditBucket.id, eventbridge: true });
    } else {
      queuePolicy = new SqsQueuePolicy(stack, 'detection_queue_policy', { queueUrl: queue.url, policy: json(deliveryQueuePolicy(pc, { queueArn: queue.arn, sender: 's3.amazonaws.com', sourceArn: inputs.auditBucket.arn })) });
      // S3 checks it may send when the configuration is saved: the queue policy must exist first.
      new S3BucketNotification(stack, 'audit_bucket_notification', {
        bucket: inputs.auditBucket.id,
        queue: [{ id: 'trailproof-detection', queueArn: queue.arn, events: ['s3:ObjectCreated:*'], filterPrefix: 'AWSLogs/', filterSuffix: '.json.gz' }],
        dependsOn: [queuePolicy],
      });
    }

    const environment: Record<string, string> = {
      [ENV.metricNamespace]: config.alarms.namespace,
      [ENV.securityHub]: String(d.securityHub),
    };
    // With CloudWatch Logs delivery the trail's metric filters feed the alarms: the function's
    // counts go beside them, not into the same metrics (DetectionSettings.ruleMetricsNamespace).
    if (d.alarmSource === 'metric-filters') environment[ENV.ruleMetricsNamespace] = METRIC_NAMESPACES.rules;
    if (d.severities) environment[ENV.publishSeverities] = d.severities.join(',');
    if (d.eventBus) environment[ENV.eventBus] = d.eventBus;
    if (d.sns) environment[ENV.topicArn] = inputs.topic.arn;
    if (d.eventBus || d.sns) {
      environment[ENV.stateBucket] = bucket.bucket;
      environment[ENV.statePrefix] = FUNCTIONS_PREFIX.ledger;
    }
    const { fn } = lambda({
      id: 'detection',
      name: names.detect,
      handler: code.handlers.detect,
      memoryMb: d.memoryMb,
      timeoutSeconds: d.timeoutSeconds,
      environment,
      policy: detectionRolePolicy(pc, arns, {
        functionName: names.detect,
        queueArn: queue.arn,
        securityHub: d.securityHub,
        eventBus: d.eventBus,
        topic: d.sns ? { arn: inputs.topic.arn, keyArn: inputs.topic.kmsMasterKeyId } : undefined,
      }),
    });
    new LambdaEventSourceMapping(stack, 'detection_queue_mapping', {
      eventSourceArn: queue.arn,
      functionName: fn.arn,
      batchSize: d.batchSize,
      maximumBatchingWindowInSeconds: d.batchingWindowSeconds,
      functionResponseTypes: ['ReportBatchItemFailures'],
      ...(d.maxConcurrency ? { scalingConfig: { maximumConcurrency: d.maxConcurrency } } : {}),
    });
    // A message in the dead-letter queue is a delivered file nobody has checked: say so.
    new CloudwatchMetricAlarm(stack, 'alarm_detection_dead_letters', {
      alarmName: `${names.detect}-dead-letters`,
      alarmDescription: 'trailproof: messages in the detection dead-letter queue (log files the detection function could not check); see its log for the reason',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: dlq.name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      actionsEnabled: true,
      alarmActions: [inputs.topic.arn],
    });
    new TerraformOutput(stack, 'output_detection_queue_url', { value: queue.url }).overrideLogicalId('detection_queue_url');
    new TerraformOutput(stack, 'output_detection_dlq_url', { value: dlq.url }).overrideLogicalId('detection_dlq_url');
  }

  if (config.schedule.enabled) {
    const s = config.schedule;
    const { fn } = lambda({
      id: 'posture_scan',
      name: names.posture,
      handler: code.handlers.posture,
      memoryMb: s.memoryMb,
      timeoutSeconds: s.timeoutSeconds,
      environment: {
        [ENV.reportsBucket]: bucket.bucket,
        [ENV.reportsPrefix]: FUNCTIONS_PREFIX.posture,
        [ENV.reportsKmsKey]: key.arn,
        [ENV.regions]: s.regions.join(','),
        [ENV.securityHub]: String(s.securityHub),
        ...(s.aggregator ? { [ENV.aggregator]: s.aggregator } : {}),
      },
      policy: postureRolePolicy(pc, arns, { functionName: names.posture, securityHub: s.securityHub }),
    });
    const invoker = role(ctx, 'posture_scheduler', `${names.posture}-scheduler`, 'scheduler.amazonaws.com', schedulerRolePolicy(fn.arn));
    new SchedulerSchedule(stack, 'posture_schedule', {
      name: names.posture,
      description: 'trailproof: live posture scan, reports to the functions bucket',
      scheduleExpression: s.expression,
      scheduleExpressionTimezone: s.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: fn.arn, roleArn: invoker.role.arn, input: json({}), retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
      dependsOn: [invoker.policy],
    });
  }

  if (config.backfill.enabled) {
    const b = config.backfill;
    const { fn } = lambda({
      id: 'backfill',
      name: names.backfill,
      handler: code.handlers.backfill,
      memoryMb: b.memoryMb,
      timeoutSeconds: b.timeoutSeconds,
      environment: { [ENV.reportsBucket]: bucket.bucket, [ENV.reportsPrefix]: FUNCTIONS_PREFIX.backfill, [ENV.reportsKmsKey]: key.arn },
      policy: backfillRolePolicy(pc, arns, { functionName: names.backfill }),
    });
    const sm = role(
      ctx,
      'backfill_state_machine',
      `${names.stateMachine}-state-machine`,
      'states.amazonaws.com',
      stateMachineRolePolicy(pc, arns, { functionArn: fn.arn, stateMachineName: names.stateMachine }),
    );
    const machine = new SfnStateMachine(stack, 'backfill_state_machine', {
      name: names.stateMachine,
      roleArn: sm.role.arn,
      type: 'STANDARD',
      definition: json(
        backfillDefinition({
          partition: config.partition,
          functionArn: fn.arn,
          archiveBucket: inputs.auditBucket.bucket,
          resultsBucket: bucket.bucket,
          resultsPrefix: FUNCTIONS_PREFIX.backfill,
          itemsPerBatch: b.itemsPerBatch,
          maxConcurrency: b.maxConcurrency,
        }),
      ),
      dependsOn: [sm.policy],
    });
    new TerraformOutput(stack, 'output_backfill_state_machine_arn', { value: machine.arn }).overrideLogicalId('backfill_state_machine_arn');
  }
  new TerraformOutput(stack, 'output_functions_bucket', { value: bucket.bucket }).overrideLogicalId('functions_bucket');
}
