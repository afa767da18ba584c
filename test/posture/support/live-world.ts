import type { Rule } from '../../../src/model/rule';
import type { Json, World } from './fake-aws';
import { cisEventRules } from './stack';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-audit`;
export const GROUP = '/aws/cloudtrail/org-audit';
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:security-alarms`;

function item(resourceType: string, resourceId: string, arn: string | null, configuration: Json, supplementaryConfiguration: Json = {}, resourceName?: string): Json {
  return { accountId: ACCOUNT, awsRegion: REGION, resourceId, resourceName: resourceName ?? resourceId, resourceType, arn, configuration, supplementaryConfiguration, configurationItemStatus: 'OK' };
}

/** An account where every posture control holds, as the AWS APIs would describe it. */
export function goodWorld(rules: Rule[] = cisEventRules(), pageSize = 2): World {
  const filters = rules.map((r) => ({
    filterName: r.id,
    filterPattern: r.cloudwatch!.filterPattern,
    logGroupName: GROUP,
    metricTransformations: [{ metricName: r.cloudwatch!.metricName, metricNamespace: 'CISBenchmark', metricValue: '1' }],
    creationTime: 1767225600000,
  }));
  const alarms = rules.map((r) => ({
    AlarmName: `${r.id}-alarm`,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${r.id}-alarm`,
    ActionsEnabled: true,
    AlarmActions: [TOPIC],
    MetricName: r.cloudwatch!.metricName,
    Namespace: 'CISBenchmark',
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  }));
  return {
    account: ACCOUNT,
    pageSize,
    subscriptions: {
      [TOPIC]: [
        { SubscriptionArn: 'PendingConfirmation', Owner: ACCOUNT, Protocol: 'email', Endpoint: 'new@example.com', TopicArn: TOPIC },
        { SubscriptionArn: `${TOPIC}:0f3c`, Owner: ACCOUNT, Protocol: 'email', Endpoint: 'soc@example.com', TopicArn: TOPIC },
      ],
    },
    regions: {
      [REGION]: {
        hub: true,
        configItems: [
          item('AWS::CloudTrail::Trail', 'org-audit', TRAIL_ARN, { name: 'org-audit', s3BucketName: 'acme-trail', isMultiRegionTrail: true, logFileValidationEnabled: true, kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`, cloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}:*`, homeRegion: REGION, trailARN: TRAIL_ARN, hasCustomEventSelectors: true }),
          item('AWS::S3::Bucket', 'acme-trail', 'arn:aws:s3:::acme-trail', { name: 'acme-trail' }, {
            BucketLoggingConfiguration: { destinationBucketName: 'acme-access-logs', logFilePrefix: 'trail/' },
            BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: null },
            BucketPolicy: { policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::acme-trail/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }) },
            PublicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
          }),
          item('AWS::KMS::Key', 'k1', `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`, { keyId: 'k1', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT', keyState: 'Enabled', enabled: true, keyRotationEnabled: true }),
          item('AWS::EC2::VPC', 'vpc-1', `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-1`, { vpcId: 'vpc-1', isDefault: false }),
          item('AWS::EC2::FlowLog', 'fl-1', null, { flowLogId: 'fl-1', resourceId: 'vpc-1', trafficType: 'ALL', flowLogStatus: 'ACTIVE', logDestinationType: 'cloud-watch-logs' }),
          item('AWS::SNS::Topic', TOPIC, TOPIC, { TopicArn: TOPIC, KmsMasterKeyId: 'alias/aws/sns' }, {}, 'security-alarms'),
        ],
        trails: [
          { Name: 'org-audit', S3BucketName: 'acme-trail', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: true, HomeRegion: REGION, TrailARN: TRAIL_ARN, LogFileValidationEnabled: true, CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}:*`, CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/trail-cw`, KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`, HasCustomEventSelectors: true, IsOrganizationTrail: false },
        ],
        trailStatus: { [TRAIL_ARN]: { IsLogging: true } },
        eventSelectors: {
          [TRAIL_ARN]: {
            AdvancedEventSelectors: [
              { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
              { Name: 's3', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
            ],
          },
        },
        metricFilters: filters,
        logGroups: [{ logGroupName: GROUP, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}:*`, retentionInDays: 365, kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1` }],
        alarms,
        recorders: [{ name: 'default', roleARN: `arn:aws:iam::${ACCOUNT}:role/config`, recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } }],
        recorderStatus: [{ name: 'default', recording: true, lastStatus: 'SUCCESS' }],
      },
    },
  };
}
