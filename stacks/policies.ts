/**
 * IAM, key, bucket and topic policies as plain documents. Values may be cdktf token strings
 * (resolved at synth), which is why these functions only build objects and never inspect values.
 */

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  /** Absent only in trust policies, which reject it. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

/** Everything a policy needs to name: the account, its ARNs and the resources that trust each other. */
export interface PolicyContext {
  partition: string;
  account: string;
  region: string;
  organizationId?: string;
}

export const doc = (...statements: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

export const rootArn = (c: PolicyContext) => `arn:${c.partition}:iam::${c.account}:root`;
export const trailArn = (c: PolicyContext, name: string) => `arn:${c.partition}:cloudtrail:${c.region}:${c.account}:trail/${name}`;
const logGroupArn = (c: PolicyContext, name: string) => `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:${name}`;
export const bucketArn = (c: PolicyContext, bucket: string) => `arn:${c.partition}:s3:::${bucket}`;

/** The key policy statement that leaves the key manageable through IAM (without it the key can be orphaned). */
function accountAdministers(c: PolicyContext): Statement {
  return { Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: rootArn(c) }, Action: 'kms:*', Resource: '*' };
}

function denyInsecureTransport(resources: string[]): Statement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: resources,
    Condition: { Bool: { 'aws:SecureTransport': false } },
  };
}

/**
 * The trail key: CloudTrail may encrypt only for our trails (aws:SourceArn) and only with an
 * encryption context naming a trail of this account; people in the account may decrypt only
 * CloudTrail log files (same context).
 */
export function trailKeyPolicy(c: PolicyContext, trailArns: string[]): PolicyDocument {
  const context = { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${c.partition}:cloudtrail:*:${c.account}:trail/*` };
  return doc(
    accountAdministers(c),
    {
      Sid: 'CloudTrailEncryptsLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': trailArns }, StringLike: context },
    },
    {
      Sid: 'CloudTrailDescribesKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': trailArns } },
    },
    {
      // The audit bucket uses SSE-KMS with an S3 Bucket Key; AWS's CloudTrail KMS page requires
      // kms:Decrypt for CloudTrail then, or creating the trail fails. Scoped to our trails.
      Sid: 'CloudTrailDecryptsForBucketKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': trailArns } },
    },
    {
      Sid: 'AccountDecryptsLogFiles',
      Effect: 'Allow',
      Principal: { AWS: rootArn(c) },
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': c.account }, StringLike: context },
    },
  );
}

/** The log group key: CloudWatch Logs in this region may use it for this one log group only. */
export function logsKeyPolicy(c: PolicyContext, logGroupName: string): PolicyDocument {
  return doc(accountAdministers(c), {
    Sid: 'CloudWatchLogsEncryptsTheTrailLogGroup',
    Effect: 'Allow',
    Principal: { Service: `logs.${c.region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn(c, logGroupName) } },
  });
}

/**
 * The topic key. CloudWatch (and EventBridge) must decrypt and generate data keys to publish to an
 * encrypted topic; AWS documents no condition keys for these calls, and a wrong condition would
 * silently drop every alarm notification, so the topic policy is where publishing is scoped.
 */
export function topicKeyPolicy(c: PolicyContext, eventBridge: boolean): PolicyDocument {
  const uses = (sid: string, service: string): Statement => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
  });
  const statements = [accountAdministers(c), uses('AlarmServicesUseKeyForTopic', 'cloudwatch.amazonaws.com')];
  if (eventBridge) statements.push(uses('EventBridgeUsesKeyForTopic', 'events.amazonaws.com'));
  return doc(...statements);
}

/** CloudTrail writes only for the named trail(s), only into its AWSLogs/<id> folders. */
function cloudTrailDelivery(c: PolicyContext, arn: string, trail: string | string[]): Statement[] {
  const writes = (sid: string, folder: string): Statement => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${arn}/AWSLogs/${folder}/*`,
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trail } },
  });
  const statements: Statement[] = [
    {
      Sid: 'CloudTrailChecksBucketAcl',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: arn,
      Condition: { StringEquals: { 'aws:SourceArn': trail } },
    },
    writes('CloudTrailWritesLogFiles', c.account),
  ];
  // An organization trail writes member accounts' files under AWSLogs/<org id>/<account>/.
  if (c.organizationId) statements.push(writes('CloudTrailWritesOrganizationLogFiles', c.organizationId));
  return statements;
}

/** AWS Config snapshots and history land under config/ in the audit bucket. */
function configDelivery(c: PolicyContext, arn: string, prefix: string): Statement[] {
  const account = { 'aws:SourceAccount': c.account };
  return [
    { Sid: 'ConfigChecksBucketAcl', Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: arn, Condition: { StringEquals: account } },
    { Sid: 'ConfigChecksBucketExists', Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 's3:ListBucket', Resource: arn, Condition: { StringEquals: account } },
    {
      Sid: 'ConfigWritesSnapshots',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${arn}/${prefix}/AWSLogs/${c.account}/Config/*`,
      Condition: { StringEquals: { ...account, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
  ];
}

/** `arn` is the bucket's ARN (a literal or a reference to the bucket's `arn` attribute). */
export function trailBucketPolicy(c: PolicyContext, arn: string, trail: string | string[], configPrefix?: string): PolicyDocument {
  return doc(
    denyInsecureTransport([arn, `${arn}/*`]),
    ...cloudTrailDelivery(c, arn, trail),
    ...(configPrefix ? configDelivery(c, arn, configPrefix) : []),
  );
}

/** Server access logs arrive from S3's logging service, only from our own buckets. */
export function accessLogBucketPolicy(c: PolicyContext, arn: string, prefix: string, sourceBucketArns: string[]): PolicyDocument {
  return doc(denyInsecureTransport([arn, `${arn}/*`]), {
    Sid: 'S3ServerAccessLogDelivery',
    Effect: 'Allow',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${arn}/${prefix}*`,
    Condition: { ArnLike: { 'aws:SourceArn': sourceBucketArns }, StringEquals: { 'aws:SourceAccount': c.account } },
  });
}

/**
 * A service role's trust policy. `aws:SourceAccount` only where the service documents it (AWS
 * Config does); CloudTrail's CloudWatch Logs role must not carry it: AWS's page for that role says
 * it supports neither aws:SourceArn nor aws:SourceAccount, and a trust policy with either makes
 * CloudTrail fail with InvalidCloudWatchLogsRoleArnException.
 */
export function assumedBy(service: string, c: PolicyContext, o: { sourceAccount: boolean }): PolicyDocument {
  return doc({
    Sid: o.sourceAccount ? 'ServiceAssumesRoleForThisAccount' : 'ServiceAssumesRole',
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    ...(o.sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': c.account } } } : {}),
  });
}

/**
 * CloudTrail's delivery role may create streams and put events in the trail's log group only,
 * and only in streams named the way CloudTrail names them (<account>_CloudTrail_<region>, and
 * <org id>_... for an organization trail).
 */
export function cloudTrailToLogsPolicy(c: PolicyContext, logGroupName: string): PolicyDocument {
  const group = logGroupArn(c, logGroupName);
  const streams = [`${group}:log-stream:${c.account}_CloudTrail_*`];
  if (c.organizationId) streams.push(`${group}:log-stream:${c.organizationId}_*`);
  return doc(
    { Sid: 'CreateTrailLogStreams', Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: streams },
    { Sid: 'PutTrailLogEvents', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: streams },
  );
}

/**
 * What the Config recorder's role needs beyond the AWS managed AWS_ConfigRole, in the form AWS
 * Config's page on the role's permissions gives: write under the prefix's AWSLogs/<account>/ with
 * the bucket owner in control, read the bucket ACL, use the key. ListBucket is for the HeadBucket
 * existence check Config makes (its bucket-policy page names it).
 */
export function configDeliveryRolePolicy(c: PolicyContext, arn: string, prefix: string, keyArn: string): PolicyDocument {
  return doc(
    {
      Sid: 'WriteConfigSnapshots',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:PutObjectAcl'],
      Resource: `${arn}/${prefix}/AWSLogs/${c.account}/*`,
      Condition: { StringLike: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
    { Sid: 'CheckAuditBucketAcl', Effect: 'Allow', Action: 's3:GetBucketAcl', Resource: arn },
    { Sid: 'CheckAuditBucketExists', Effect: 'Allow', Action: 's3:ListBucket', Resource: arn },
    { Sid: 'EncryptConfigSnapshots', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn },
  );
}

/**
 * The alarm topic: CloudWatch alarms (and, when enabled, EventBridge rules) of this account may
 * publish; the account manages it; nobody publishes over plain HTTP.
 */
export function topicPolicy(c: PolicyContext, topic: string, eventBridge: boolean): PolicyDocument {
  const statements: Statement[] = [
    {
      Sid: 'AccountManagesTopic',
      Effect: 'Allow',
      Principal: { AWS: rootArn(c) },
      Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission', 'sns:DeleteTopic', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish'],
      Resource: topic,
    },
    {
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topic,
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:${c.partition}:cloudwatch:${c.region}:${c.account}:alarm:*` },
      },
    },
  ];
  if (eventBridge) {
    statements.push({
      Sid: 'EventBridgeRulesPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topic,
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:${c.partition}:events:${c.region}:${c.account}:rule/*` },
      },
    });
  }
  statements.push({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 'sns:Publish',
    Resource: topic,
    Condition: { Bool: { 'aws:SecureTransport': false } },
  });
  return doc(...statements);
}

/**
 * The role EventBridge rules outside the home region use to forward matching events to the home
 * region's default bus (EventBridge's page on sending events between buses: events:PutEvents on
 * the receiving bus; its trust is events.amazonaws.com, as the page's role example has it).
 */
export function eventForwardingPolicy(homeBusArn: string): PolicyDocument {
  return doc({ Sid: 'ForwardToTheHomeRegionBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: homeBusArn });
}

/** Kinesis targets: EventBridge uses an identity-based role (kinesis:PutRecord) on the named streams only. */
export function eventKinesisPolicy(streamArns: string[]): PolicyDocument {
  return doc({ Sid: 'PutEventsOnTheTargetStreams', Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: streamArns });
}
