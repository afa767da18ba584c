import { FUNCTIONS_PREFIX } from '../src/lambda/environment';
import { liveReadActions } from '../src/sources/live-aws';
import { doc, type PolicyContext, type PolicyDocument, rootArn, type Statement } from './policies';

/**
 * The policies of the opt-in functions (detection, scheduled posture scan, backfill), as plain
 * documents like policies.ts. Each role gets exactly the calls its code makes
 * (test/lambda/detect.test.ts, posture.test.ts and backfill.test.ts hold them to the calls the handlers made over the wire).
 */

/** What the function policies name; values may be cdktf tokens. */
export interface FunctionArns {
  functionsBucketArn: string;
  functionsKeyArn: string;
  auditBucketArn: string;
  trailKeyArn: string;
}

// The functions read the same prefixes as their defaults: one definition for both sides.
export { FUNCTIONS_PREFIX };

const lambdaLogGroupArn = (c: PolicyContext, functionName: string) => `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:/aws/lambda/${functionName}`;
const securityHubProductArn = (c: PolicyContext) => `arn:${c.partition}:securityhub:${c.region}:${c.account}:product/${c.account}/default`;
const eventBusArn = (c: PolicyContext, name: string) => `arn:${c.partition}:events:${c.region}:${c.account}:event-bus/${name}`;
const stateMachineArn = (c: PolicyContext, name: string) => `arn:${c.partition}:states:${c.region}:${c.account}:stateMachine:${name}`;

function ownLogs(c: PolicyContext, functionName: string): Statement {
  return { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${lambdaLogGroupArn(c, functionName)}:*` };
}

function readTrailLogs(c: PolicyContext, a: FunctionArns): Statement[] {
  return [
    { Sid: 'ReadTrailLogFiles', Effect: 'Allow', Action: 's3:GetObject', Resource: `${a.auditBucketArn}/AWSLogs/*` },
    {
      Sid: 'DecryptTrailLogFiles',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: a.trailKeyArn,
      Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${c.partition}:cloudtrail:*:${c.account}:trail/*` } },
    },
  ];
}

const importFindings = (c: PolicyContext): Statement => ({ Sid: 'ImportFindings', Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: securityHubProductArn(c) });

export interface DetectionPolicyOptions {
  functionName: string;
  queueArn: string;
  securityHub: boolean;
  eventBus?: string;
  topic?: { arn: string; keyArn: string };
}

/** The detection function: the queue, the delivered files, its ledger, and the publishers it is configured with. */
export function detectionRolePolicy(c: PolicyContext, a: FunctionArns, o: DetectionPolicyOptions): PolicyDocument {
  const s: Statement[] = [
    ownLogs(c, o.functionName),
    // What the SQS event source mapping does with the function's role.
    { Sid: 'ConsumeDeliveryQueue', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: o.queueArn },
    ...readTrailLogs(c, a),
  ];
  const ledger = o.eventBus !== undefined || o.topic !== undefined;
  // The queue's messages and the ledger's objects are encrypted with the functions key.
  s.push({ Sid: 'UseFunctionsKey', Effect: 'Allow', Action: ledger ? ['kms:Decrypt', 'kms:GenerateDataKey'] : 'kms:Decrypt', Resource: a.functionsKeyArn });
  if (ledger) {
    s.push(
      { Sid: 'ReadWriteLedger', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${a.functionsBucketArn}/${FUNCTIONS_PREFIX.ledger}*` },
      // Without ListBucket, S3 answers a HEAD for a missing marker with 403 instead of 404.
      { Sid: 'LedgerMissesAre404', Effect: 'Allow', Action: 's3:ListBucket', Resource: a.functionsBucketArn },
    );
  }
  if (o.securityHub) s.push(importFindings(c));
  if (o.eventBus) s.push({ Sid: 'PutFindingEvents', Effect: 'Allow', Action: 'events:PutEvents', Resource: eventBusArn(c, o.eventBus) });
  if (o.topic) {
    s.push(
      { Sid: 'PublishFindings', Effect: 'Allow', Action: 'sns:Publish', Resource: o.topic.arn },
      // Publishing to a KMS-encrypted topic needs both (SNS developer guide, "Encryption at rest").
      { Sid: 'EncryptForTopic', Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: o.topic.keyArn },
    );
  }
  return doc(...s);
}

export function postureRolePolicy(c: PolicyContext, a: FunctionArns, o: { functionName: string; securityHub: boolean }): PolicyDocument {
  const s: Statement[] = [
    ownLogs(c, o.functionName),
    // Describe/List/Select calls: AWS documents no resource-level permissions for most of them.
    // Generated from the resource registry: each type's live reader declares what it calls.
    { Sid: 'ReadPostureLive', Effect: 'Allow', Action: liveReadActions(), Resource: '*' },
    { Sid: 'WriteReports', Effect: 'Allow', Action: 's3:PutObject', Resource: `${a.functionsBucketArn}/${FUNCTIONS_PREFIX.posture}*` },
    { Sid: 'EncryptReports', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: a.functionsKeyArn },
  ];
  if (o.securityHub) s.push(importFindings(c));
  return doc(...s);
}

export function backfillRolePolicy(c: PolicyContext, a: FunctionArns, o: { functionName: string }): PolicyDocument {
  return doc(
    ownLogs(c, o.functionName),
    ...readTrailLogs(c, a),
    { Sid: 'WriteAndReadBatchDocuments', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `${a.functionsBucketArn}/${FUNCTIONS_PREFIX.backfill}*` },
    { Sid: 'ListBatchDocuments', Effect: 'Allow', Action: 's3:ListBucket', Resource: a.functionsBucketArn, Condition: { StringLike: { 's3:prefix': `${FUNCTIONS_PREFIX.backfill}*` } } },
    { Sid: 'UseFunctionsKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: a.functionsKeyArn },
  );
}

/**
 * The backfill state machine: list the archive (the Distributed Map's S3 item reader), run the
 * backfill function, write the Map's results, and start and watch its own child executions
 * (Step Functions developer guide, "IAM policies for using Distributed Map states").
 */
export function stateMachineRolePolicy(c: PolicyContext, a: FunctionArns, o: { functionArn: string; stateMachineName: string }): PolicyDocument {
  const self = stateMachineArn(c, o.stateMachineName);
  const executions = `arn:${c.partition}:states:${c.region}:${c.account}:execution:${o.stateMachineName}/*`;
  return doc(
    { Sid: 'InvokeBackfillFunction', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [o.functionArn, `${o.functionArn}:*`] },
    { Sid: 'ListArchive', Effect: 'Allow', Action: 's3:ListBucket', Resource: a.auditBucketArn, Condition: { StringLike: { 's3:prefix': 'AWSLogs/*' } } },
    { Sid: 'WriteMapResults', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'], Resource: `${a.functionsBucketArn}/${FUNCTIONS_PREFIX.backfill}*` },
    { Sid: 'EncryptMapResults', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: a.functionsKeyArn },
    { Sid: 'RunChildExecutions', Effect: 'Allow', Action: 'states:StartExecution', Resource: self },
    { Sid: 'WatchChildExecutions', Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: executions },
  );
}

export function schedulerRolePolicy(functionArn: string): PolicyDocument {
  return doc({ Sid: 'InvokePostureScan', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [functionArn, `${functionArn}:*`] });
}

/**
 * The functions key: the account administers it; S3 or EventBridge (whichever delivers to the
 * queue) may encrypt messages with it; CloudWatch Logs encrypts the functions' log groups. AWS's
 * pages for S3 and EventBridge delivery to an encrypted queue give the key statement without
 * conditions, and a condition the service does not send would drop every notification silently,
 * so the queue policy (aws:SourceArn, aws:SourceAccount) is where sending is scoped, as
 * topicKeyPolicy does for the alarm topic. The functions' roles get their use from IAM.
 */
export function functionsKeyPolicy(c: PolicyContext, o: { queueSender?: 's3.amazonaws.com' | 'events.amazonaws.com'; functionNames: string[] }): PolicyDocument {
  const s: Statement[] = [{ Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: rootArn(c) }, Action: 'kms:*', Resource: '*' }];
  if (o.queueSender) {
    s.push({
      Sid: 'DeliveriesEncryptQueueMessages',
      Effect: 'Allow',
      Principal: { Service: o.queueSender },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
    });
  }
  if (o.functionNames.length > 0) {
    s.push({
      Sid: 'CloudWatchLogsEncryptsFunctionLogs',
      Effect: 'Allow',
      Principal: { Service: `logs.${c.region}.amazonaws.com` },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': o.functionNames.map((n) => lambdaLogGroupArn(c, n)) } },
    });
  }
  return doc(...s);
}

/** Only the audit bucket's notifications (or the EventBridge rule) may send to the delivery queue; never over plain HTTP. */
export function deliveryQueuePolicy(c: PolicyContext, o: { queueArn: string; sender: 's3.amazonaws.com' | 'events.amazonaws.com'; sourceArn: string }): PolicyDocument {
  return doc(
    {
      Sid: 'DeliveriesSendNotifications',
      Effect: 'Allow',
      Principal: { Service: o.sender },
      Action: 'sqs:SendMessage',
      Resource: o.queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': o.sourceArn }, StringEquals: { 'aws:SourceAccount': c.account } },
    },
    { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: o.queueArn, Condition: { Bool: { 'aws:SecureTransport': false } } },
  );
}

/** The functions bucket takes TLS only; the roles' IAM policies say who reads and writes where. */
export function functionsBucketPolicy(arn: string): PolicyDocument {
  return doc({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': false } } });
}
