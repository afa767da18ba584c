import type { ResourceType } from '../model/resource';
import { cloudtrailTrail } from './cloudtrail-trail';
import { cloudwatchAlarm } from './cloudwatch-alarm';
import { configRecorder } from './config-recorder';
import { configRecorderStatus } from './config-recorder-status';
import { ec2FlowLog } from './ec2-flow-log';
import { ec2Vpc } from './ec2-vpc';
import { iamRole } from './iam-role';
import { kmsAlias } from './kms-alias';
import { kmsKey } from './kms-key';
import { logsLogGroup } from './logs-log-group';
import { logsMetricFilter } from './logs-metric-filter';
import type { ResourceModule } from './module';
import { s3AccountPublicAccessBlock } from './s3-account-public-access-block';
import { s3Bucket } from './s3-bucket';
import { s3BucketPart } from './s3-bucket-part';
import { securityhubHub } from './securityhub-hub';
import { snsSubscription } from './sns-subscription';
import { snsTopic } from './sns-topic';

/**
 * Every resource type posture rules read. The order is the order the sources work in: the live
 * scan's Config query names the types in it, readers of one stage run in it (metric filters,
 * then log groups, then alarms of a region), and account facts list trails, recorders and hubs
 * in it.
 */
export const RESOURCES: readonly ResourceModule[] = [
  cloudtrailTrail,
  s3Bucket,
  s3AccountPublicAccessBlock,
  kmsKey,
  ec2Vpc,
  ec2FlowLog,
  logsMetricFilter,
  logsLogGroup,
  snsTopic,
  cloudwatchAlarm,
  iamRole,
  configRecorder,
  securityhubHub,
  snsSubscription,
  kmsAlias,
  s3BucketPart,
  configRecorderStatus,
];

const BY_TYPE = new Map(RESOURCES.map((m) => [m.type, m]));
const BY_TERRAFORM = new Map(RESOURCES.flatMap((m) => Object.keys(m.terraform?.types ?? {}).map((t) => [t, m] as const)));

export function resourceModule(type: ResourceType): ResourceModule | undefined {
  return BY_TYPE.get(type);
}

/** The module that maps a Terraform resource type, if posture reads it. */
export function terraformModule(tfType: string): ResourceModule | undefined {
  return BY_TERRAFORM.get(tfType);
}

/** The attribute a `${aws_x.y.id}` reference stands for, where Terraform documents the id as that attribute. */
export function terraformIdAttribute(tfType: string): string | undefined {
  return BY_TERRAFORM.get(tfType)?.terraform?.types[tfType]?.idAttribute;
}

/** Types a rule may judge: every registered type but the ones that only carry configuration into another. */
export function isSubjectType(type: ResourceType): boolean {
  const m = BY_TYPE.get(type);
  return m !== undefined && !m.internal;
}
