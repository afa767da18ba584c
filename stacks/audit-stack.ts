import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Annotations, LocalBackend, S3Backend, TerraformOutput, TerraformStack, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { AlarmPlan } from './alarm-plan';
import type { StacksConfig } from './config';
import { matchesDataEventsOnly } from './data-events';
import { accessLogBucketPolicy, trailArn, trailBucketPolicy, trailKeyPolicy, type PolicyContext } from './policies';
import { alarmTopic, deliveryHealthAlarm, ruleAlarms } from './parts/alarms';
import { hardenBucket, newBucket } from './parts/bucket';
import { CONFIG_PREFIX, configRecording, securityHub } from './parts/config-recording';
import type { BuildContext } from './parts/context';
import { auditDashboard } from './parts/dashboard';
import { savedQueries } from './parts/insights-queries';
import { eventBridgeRules } from './parts/eventbridge';
import { auditFunctions } from './parts/functions';
import { customerKey } from './parts/key';
import { auditTrail, dataEventsTrail, deliversToLogs, operationsTrail } from './parts/trail';

const ACCESS_LOG_PREFIX = 's3-access/';

function output(stack: TerraformStack, name: string, value: string): void {
  new TerraformOutput(stack, `output_${name}`, { value }).overrideLogicalId(name);
}

/**
 * With data events in a separate trail (S3 only), the log group holds management events alone: an
 * alarm for a rule that matches only data events could never fire. It is not deployed, and the
 * synth says so (the rule still applies to offline scans and EventBridge).
 */
function alarmedPlans(stack: TerraformStack, config: StacksConfig, plans: AlarmPlan[]): AlarmPlan[] {
  if (!config.trail.dataEvents.separateTrail) return plans;
  return plans.filter((p) => {
    if (!matchesDataEventsOnly(p.rule)) return true;
    Annotations.of(stack).addWarning(
      `rule ${p.rule.id} (${p.rule.sourcePath}) matches only data events, which trail.dataEvents.separateTrail sends to S3 and not to the log group: its metric filter and alarm are not deployed; set separateTrail to false to alarm on it`,
    );
    return false;
  });
}

/**
 * The whole audit topology in one stack, so that one `cdk.tf.json` carries the full chain
 * trail -> log group -> metric filters -> alarms -> topic -> subscriptions that the posture scan
 * follows (a chain split over stacks would hide behind remote-state references).
 */
export class AuditStack extends TerraformStack {
  readonly alarmCount: number;

  constructor(scope: Construct, config: StacksConfig, plans: AlarmPlan[]) {
    super(scope, config.stackName);
    new AwsProvider(this, 'aws', {
      region: config.region,
      allowedAccountIds: config.account ? [config.account] : undefined,
      defaultTags: [{ tags: config.tags }],
    });
    if (config.backend) {
      const b = config.backend.s3;
      new S3Backend(this, { bucket: b.bucket, key: b.key, region: b.region, encrypt: true, kmsKeyId: b.kmsKeyId, dynamodbTable: b.dynamodbTable });
      if (b.useLockfile) this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative to cdktf.out/stacks/<name>, where terraform runs: the state stays at the project
      // root across synths, and the synthesized JSON does not depend on the machine's paths.
      new LocalBackend(this, { path: `../../../terraform.${config.stackName}.tfstate` });
    }

    const account = config.account ?? new DataAwsCallerIdentity(this, 'current').accountId;
    const org = config.trail.organization;
    const organizationId = org.enabled ? (org.organizationId ?? new DataAwsOrganizationsOrganization(this, 'organization').id) : undefined;
    const policy: PolicyContext = { partition: config.partition, account, region: config.region, organizationId };
    const ctx: BuildContext = { stack: this, config, policy };

    const auditTrailArn = trailArn(policy, config.trail.name);
    const opsTrailArn = config.opsTrail.enabled ? trailArn(policy, config.opsTrail.name) : undefined;
    const dataTrailName = config.trail.dataEvents.separateTrail;
    const dataTrailArn = dataTrailName ? trailArn(policy, dataTrailName) : undefined;
    // Both the audit trail and the data-event trail deliver into the audit bucket.
    const auditBucketTrails = dataTrailArn ? [auditTrailArn, dataTrailArn] : auditTrailArn;
    const literal = (what: string) => (config.account ? `${config.namePrefix}-${what}-${config.account}-${config.region}` : undefined);
    const auditBucket = newBucket(ctx, 'audit_bucket', {
      name: config.storage.bucketName ?? literal('audit'),
      prefix: `${config.namePrefix}-audit-`,
      objectLock: config.storage.objectLock !== undefined,
    });
    const logBucket = newBucket(ctx, 'access_log_bucket', { name: config.storage.accessLogBucketName ?? literal('access-logs'), prefix: `${config.namePrefix}-access-logs-` });
    const opsBucket = opsTrailArn ? newBucket(ctx, 'operations_bucket', { name: literal('operations'), prefix: `${config.namePrefix}-operations-` }) : undefined;

    const trailKey = customerKey(
      ctx,
      'trail_key',
      `${config.trail.name}: CloudTrail log files and AWS Config snapshots`,
      trailKeyPolicy(policy, [auditTrailArn, ...(dataTrailArn ? [dataTrailArn] : []), ...(opsTrailArn ? [opsTrailArn] : [])]),
    );
    const lifecycle = {
      glacierAfterDays: config.storage.glacierAfterDays,
      expireAfterDays: config.storage.expireAfterDays,
      noncurrentExpireAfterDays: config.storage.noncurrentExpireAfterDays,
    };
    hardenBucket(ctx, logBucket, {
      policy: accessLogBucketPolicy(policy, logBucket.arn, ACCESS_LOG_PREFIX, opsBucket ? [auditBucket.arn, opsBucket.arn] : [auditBucket.arn]),
      lifecycle: { expireAfterDays: config.storage.accessLogExpireAfterDays, noncurrentExpireAfterDays: 30 },
    });
    const audit = hardenBucket(ctx, auditBucket, {
      kmsKeyArn: trailKey.arn,
      policy: trailBucketPolicy(policy, auditBucket.arn, auditBucketTrails, config.config.enabled ? CONFIG_PREFIX : undefined),
      lifecycle,
      accessLogs: { bucket: logBucket, prefix: `${ACCESS_LOG_PREFIX}audit/` },
      objectLock: config.storage.objectLock,
    });

    const { trail, logGroup } = auditTrail(ctx, { bucketName: audit.bucket.id, key: trailKey, dependsOn: [audit.policy] });
    if (!deliversToLogs(config)) {
      Annotations.of(this).addWarning(
        "detection.alarmSource is 'detection': the trail does not deliver to CloudWatch Logs and the rule alarms read the detection function's metrics. " +
          'CIS prescribes a metric filter on the trail\'s log group for its monitoring controls (v1.4-v5 4.x, v6/v7 5.x), so the chain check reports them failing; no Logs Insights queries are saved.',
      );
    }
    if (dataTrailName) dataEventsTrail(ctx, { name: dataTrailName, bucketName: audit.bucket.id, key: trailKey, dependsOn: [audit.policy] });
    if (opsBucket && opsTrailArn) {
      const ops = hardenBucket(ctx, opsBucket, {
        kmsKeyArn: trailKey.arn,
        policy: trailBucketPolicy(policy, opsBucket.arn, opsTrailArn),
        lifecycle: { ...lifecycle, expireAfterDays: Math.max(config.opsTrail.expireAfterDays, lifecycle.glacierAfterDays + 1) },
        accessLogs: { bucket: logBucket, prefix: `${ACCESS_LOG_PREFIX}operations/` },
      });
      operationsTrail(ctx, { bucketName: ops.bucket.id, key: trailKey, dependsOn: [ops.policy] });
    }

    const topic = alarmTopic(ctx);
    const alarms = ruleAlarms(ctx, alarmedPlans(this, config, plans), logGroup, topic);
    this.alarmCount = alarms.length;
    const deliveryAlarm = config.alarms.deliveryHealth ? deliveryHealthAlarm(ctx, logGroup, topic) : undefined;
    if (config.eventBridge.enabled) eventBridgeRules(ctx, plans, topic);
    if (config.detection.enabled || config.schedule.enabled || config.backfill.enabled) auditFunctions(ctx, { auditBucket: audit.bucket, trailKey, topic });

    let recording: ITerraformDependable[] = [];
    if (config.config.enabled) recording = configRecording(ctx, { bucket: audit.bucket, key: trailKey, dependsOn: [audit.policy] });
    if (config.securityHub.enabled) securityHub(ctx, recording);
    const queries = savedQueries(ctx, plans, logGroup);
    if (config.dashboard.enabled) auditDashboard(ctx, { alarms, logGroup, deliveryAlarm, queries });

    output(this, 'trail_arn', trail.arn);
    output(this, 'audit_bucket', audit.bucket.id);
    if (logGroup) output(this, 'log_group', logGroup.name);
    output(this, 'alarm_topic_arn', topic.arn);
  }
}
