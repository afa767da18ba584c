import type { SourceRef } from './finding';
import type { InputRecord } from './input';

/**
 * The one resource model every posture source normalizes into. Types use AWS Config /
 * CloudFormation names (`AWS::CloudTrail::Trail`) so a rule reads the same whether the resource
 * came from `cdk.tf.json`, a Config snapshot or a live API call; src/resources/ has one module per
 * type and the registry of them.
 */
export type ResourceType = string;

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
  inputs: InputRecord[];
}

export function emptyPart(): ModelPart {
  return { resources: [], contexts: [], gaps: [], inputs: [] };
}

/** A resource as one source's mapping gives it, before it gets its place (context, origin). */
export interface MappedResource {
  type: ResourceType;
  /** Literal identifier when the input gives one; the Terraform reader falls back to the address. */
  id: string | null;
  name: string | null;
  arn: string | null;
  properties: Record<string, unknown>;
  refs: Partial<Record<RelationName, string[]>>;
}

/**
 * One AWS Config configuration item with both envelope shapes folded together: the S3 delivery /
 * ConfigurationItem API shape (`configurationItemVersion`, `ARN`, `awsAccountId`) and the
 * shape of Config rule events, SelectResourceConfig and the rdk samples (`version`, `arn`,
 * `accountId`). `configuration` and `supplementaryConfiguration` values that arrive as JSON text
 * are parsed.
 */
export interface ConfigItem {
  resourceType: string;
  resourceId: string;
  resourceName: string | null;
  arn: string | null;
  account: string | null;
  region: string | null;
  status: string | null;
  captureTime: string | null;
  configuration: Record<string, unknown>;
  supplementary: Record<string, unknown>;
}
