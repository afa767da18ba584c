import type { SourceRef } from './finding';

/**
 * The one resource model every posture source normalizes into. Types use AWS Config /
 * CloudFormation names so a rule reads the same whether the resource came from `cdk.tf.json`, a
 * Config snapshot or a live API call.
 */
export const RT = {
  Trail: 'AWS::CloudTrail::Trail',
  LogGroup: 'AWS::Logs::LogGroup',
  MetricFilter: 'AWS::Logs::MetricFilter',
  Alarm: 'AWS::CloudWatch::Alarm',
  Topic: 'AWS::SNS::Topic',
  Subscription: 'AWS::SNS::Subscription',
  Bucket: 'AWS::S3::Bucket',
  AccountPublicAccessBlock: 'AWS::S3::AccountPublicAccessBlock',
  Key: 'AWS::KMS::Key',
  KeyAlias: 'AWS::KMS::Alias',
  Vpc: 'AWS::EC2::VPC',
  FlowLog: 'AWS::EC2::FlowLog',
  Recorder: 'AWS::Config::ConfigurationRecorder',
  SecurityHub: 'AWS::SecurityHub::Hub',
  Role: 'AWS::IAM::Role',
  /**
   * Terraform splits bucket settings into their own resources (aws_s3_bucket_logging and the
   * like); each becomes a part folded into its bucket once references are resolved.
   */
  BucketPart: 'trailproof::S3::BucketPart',
  RecorderStatus: 'trailproof::Config::RecorderStatus',
} as const;

export type ResourceType = (typeof RT)[keyof typeof RT] | (string & {});

/** Relations a resource can point along; resolved to resource keys in `relations`. */
export type RelationName =
  | 'bucket'
  | 'kmsKey'
  | 'logGroup'
  | 'role'
  | 'topics'
  | 'topic'
  | 'vpc'
  | 'loggingTarget'
  | 'recorder'
  | 'key';

export type SourceKind = 'terraform' | 'config' | 'live';

export interface ResourceOrigin {
  kind: SourceKind;
  source: SourceRef;
  /** Terraform address (`aws_cloudtrail.audit`, or `module.x.aws_cloudtrail.audit` in a plan). */
  address?: string;
  /** cdktf construct path from the resource's `//.metadata.path`. */
  constructPath?: string;
}

/**
 * One resource. In `properties`, `undefined` means "not known from this input" and `null` means
 * "known to be absent": rules must never pass on something the input did not say.
 */
export interface Resource {
  /** Unique in the model. */
  key: string;
  type: ResourceType;
  id: string;
  name: string | null;
  arn: string | null;
  account: string | null;
  region: string | null;
  /** Deployment context: resources only relate within a context (a stack, or an account). */
  context: string;
  stack: string | null;
  properties: Record<string, unknown>;
  /** Raw references as the input wrote them: a `${...}` expression, an ARN, a name or an id. */
  refs: Partial<Record<RelationName, string[]>>;
  /** Resolved references: keys of other resources in the model. */
  relations: Partial<Record<RelationName, string[]>>;
  origin: ResourceOrigin;
  /** Property -> why it is unknown, when a source could have told but did not (access denied...). */
  errors?: Record<string, string>;
  /**
   * Expressions the source leaves to a later stage (Terraform variables, function calls), as
   * `attribute = expression`: why a property read from them is unknown (the result is manual).
   */
  unresolved?: string[];
}

/**
 * Something a source could not read for a whole scope (e.g. metric filters of a region): controls
 * that depend on it become `error`, never `pass`.
 */
export interface Gap {
  context: string;
  account: string | null;
  region: string | null;
  /** Resource type that could not be listed. */
  resourceType: ResourceType;
  /** The IAM action that was denied or failed, e.g. `logs:DescribeMetricFilters`. */
  action: string;
  reason: string;
}

/** A deployment context: one cdktf stack, or one account seen through Config or live AWS. */
export interface Context {
  key: string;
  kind: SourceKind;
  stack: string | null;
  account: string | null;
  /** Regions in scope for per-region controls (Config recording, Security Hub). */
  regions: string[];
  /** Where the context was read from, for subjects of account-level results. */
  source: SourceRef;
}

export interface ResourceModel {
  resources: Resource[];
  contexts: Context[];
  gaps: Gap[];
}

export function resourceKey(context: string, type: string, id: string): string {
  return `${context}|${type}|${id}`;
}

/** What one source contributes: its part of the model and an account of every input it read. */
export interface ModelPart {
  resources: Resource[];
  contexts: Context[];
  gaps: Gap[];
  inputs: import('./input').InputRecord[];
}

export function emptyPart(): ModelPart {
  return { resources: [], contexts: [], gaps: [], inputs: [] };
}
