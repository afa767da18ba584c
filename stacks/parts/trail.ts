import { Cloudtrail, type CloudtrailAdvancedEventSelector, type CloudtrailAdvancedEventSelectorFieldSelector } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ITerraformDependable } from 'cdktf';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { StacksConfig } from '../config';
import { assumedBy, bucketArn, cloudTrailToLogsPolicy, logsKeyPolicy, type PolicyContext } from '../policies';
import { type BuildContext, json } from './context';
import { customerKey } from './key';

const MANAGEMENT: CloudtrailAdvancedEventSelector = {
  name: 'Management events, read and write',
  fieldSelector: [{ field: 'eventCategory', equalTo: ['Management'] }],
};

/**
 * Data-event selectors: S3 object-level events (CIS 3.8 write, 3.9 read) narrowed the way the
 * configuration asks, since they are the costly part of a trail, and Lambda invocations if asked.
 */
function dataEventSelectors(config: StacksConfig, c: PolicyContext): CloudtrailAdvancedEventSelector[] {
  const selectors: CloudtrailAdvancedEventSelector[] = [];
  const s3 = config.trail.dataEvents.s3;
  if (s3.mode !== 'None') {
    const fields: CloudtrailAdvancedEventSelectorFieldSelector[] = [
      { field: 'eventCategory', equalTo: ['Data'] },
      { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
    ];
    if (s3.mode === 'ReadOnly') fields.push({ field: 'readOnly', equalTo: ['true'] });
    if (s3.mode === 'WriteOnly') fields.push({ field: 'readOnly', equalTo: ['false'] });
    if (s3.buckets.length > 0) fields.push({ field: 'resources.ARN', startsWith: s3.buckets.map((b) => `${bucketArn(c, b)}/`) });
    if (s3.excludeBuckets.length > 0) fields.push({ field: 'resources.ARN', notStartsWith: s3.excludeBuckets.map((b) => `${bucketArn(c, b)}/`) });
    const what = s3.mode === 'All' ? 'read and write' : s3.mode === 'ReadOnly' ? 'read only' : 'write only';
    selectors.push({ name: `S3 object-level events, ${what}`, fieldSelector: fields });
  }
  if (config.trail.dataEvents.lambda) {
    selectors.push({
      name: 'Lambda invocations',
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::Lambda::Function'] },
      ],
    });
  }
  return selectors;
}

/** The audit trail's selectors: management events read and write (CIS 3.1), plus data events unless a separate trail takes them. */
function eventSelectors(config: StacksConfig, c: PolicyContext): CloudtrailAdvancedEventSelector[] {
  return config.trail.dataEvents.separateTrail ? [MANAGEMENT] : [MANAGEMENT, ...dataEventSelectors(config, c)];
}

export interface AuditTrail {
  trail: Cloudtrail;
  /** Absent when the alarms are fed by the detection function (detection.alarmSource). */
  logGroup?: CloudwatchLogGroup;
  logsKey?: KmsKey;
}

/** The trail delivers to CloudWatch Logs unless the detection function feeds the alarms instead. */
export function deliversToLogs(config: StacksConfig): boolean {
  return !(config.detection.enabled && config.detection.alarmSource === 'detection');
}

/** The trail CIS judges: every region, global events, validated, KMS-encrypted, delivered to S3 and CloudWatch Logs. */
export function auditTrail(ctx: BuildContext, o: { bucketName: string; key: KmsKey; dependsOn: ITerraformDependable[] }): AuditTrail {
  const { stack, config, policy } = ctx;
  if (!deliversToLogs(config)) {
    const trail = new Cloudtrail(stack, 'audit_trail', { ...trailSettings(ctx, o), dependsOn: o.dependsOn });
    return { trail };
  }
  const logsKey = customerKey(ctx, 'logs_key', `${config.trail.name}: CloudWatch Logs group ${config.logs.logGroupName}`, logsKeyPolicy(policy, config.logs.logGroupName));
  const logGroup = new CloudwatchLogGroup(stack, 'trail_log_group', {
    name: config.logs.logGroupName,
    retentionInDays: config.logs.retentionDays,
    kmsKeyId: logsKey.arn,
  });
  const role = new IamRole(stack, 'trail_logs_role', {
    name: `${config.namePrefix}-cloudtrail-to-logs`,
    description: `CloudTrail ${config.trail.name} delivers events to ${config.logs.logGroupName}`,
    assumeRolePolicy: json(assumedBy('cloudtrail.amazonaws.com', policy, { sourceAccount: false })),
  });
  const rolePolicy = new IamRolePolicy(stack, 'trail_logs_role_policy', {
    name: 'deliver-to-trail-log-group',
    role: role.id,
    policy: json(cloudTrailToLogsPolicy(policy, config.logs.logGroupName)),
  });
  const trail = new Cloudtrail(stack, 'audit_trail', {
    ...trailSettings(ctx, o),
    cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
    cloudWatchLogsRoleArn: role.arn,
    // CloudTrail checks the bucket policy and the role when the trail is created.
    dependsOn: [...o.dependsOn, rolePolicy],
  });
  return { trail, logGroup, logsKey };
}

function trailSettings(ctx: BuildContext, o: { bucketName: string; key: KmsKey }) {
  const { config, policy } = ctx;
  return {
    name: config.trail.name,
    s3BucketName: o.bucketName,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: true,
    enableLogging: true,
    isOrganizationTrail: config.trail.organization.enabled,
    kmsKeyId: o.key.arn,
    advancedEventSelector: eventSelectors(config, policy),
    insightSelector: config.trail.insights.length > 0 ? config.trail.insights.map((insightType) => ({ insightType })) : undefined,
  };
}

/** The operations trail: management events only, its own bucket, same integrity guarantees. */
export function operationsTrail(ctx: BuildContext, o: { bucketName: string; key: KmsKey; dependsOn: ITerraformDependable[] }): Cloudtrail {
  const { stack, config } = ctx;
  return new Cloudtrail(stack, 'operations_trail', {
    name: config.opsTrail.name,
    s3BucketName: o.bucketName,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: true,
    enableLogging: true,
    isOrganizationTrail: config.trail.organization.enabled,
    kmsKeyId: o.key.arn,
    advancedEventSelector: [MANAGEMENT],
    dependsOn: o.dependsOn,
  });
}

/** The data-event trail: object-level events only, to the audit bucket, never to CloudWatch Logs. */
export function dataEventsTrail(ctx: BuildContext, o: { name: string; bucketName: string; key: KmsKey; dependsOn: ITerraformDependable[] }): Cloudtrail {
  const { stack, config, policy } = ctx;
  return new Cloudtrail(stack, 'data_events_trail', {
    name: o.name,
    s3BucketName: o.bucketName,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: true,
    enableLogging: true,
    isOrganizationTrail: config.trail.organization.enabled,
    kmsKeyId: o.key.arn,
    advancedEventSelector: dataEventSelectors(config, policy),
    dependsOn: o.dependsOn,
  });
}
