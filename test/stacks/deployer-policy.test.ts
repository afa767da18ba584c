import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/paths';
import { FIXTURE_RULES, synth, type Json } from './support';

/**
 * stacks/deployer-policy.json is what the README tells a deployer to attach. Every resource type
 * the stacks can synthesize must be covered: a new resource type without its permissions fails here.
 */
const NEEDS: Record<string, string[]> = {
  aws_cloudtrail: ['cloudtrail:CreateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors', 'cloudtrail:StartLogging', 'cloudtrail:GetTrailStatus', 'cloudtrail:AddTags'],
  aws_s3_bucket: ['s3:CreateBucket', 's3:GetBucketAcl', 's3:GetBucketTagging', 's3:PutBucketTagging', 's3:ListBucket'],
  aws_s3_bucket_policy: ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
  aws_s3_bucket_public_access_block: ['s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
  aws_s3_bucket_ownership_controls: ['s3:PutBucketOwnershipControls', 's3:GetBucketOwnershipControls'],
  aws_s3_bucket_versioning: ['s3:PutBucketVersioning', 's3:GetBucketVersioning'],
  aws_s3_bucket_server_side_encryption_configuration: ['s3:PutEncryptionConfiguration', 's3:GetEncryptionConfiguration'],
  aws_s3_bucket_object_lock_configuration: ['s3:PutBucketObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration'],
  aws_s3_bucket_logging: ['s3:PutBucketLogging', 's3:GetBucketLogging'],
  aws_s3_bucket_lifecycle_configuration: ['s3:PutLifecycleConfiguration', 's3:GetLifecycleConfiguration'],
  aws_kms_key: ['kms:CreateKey', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:GetKeyRotationStatus', 'kms:ScheduleKeyDeletion', 'kms:TagResource'],
  aws_kms_alias: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:ListAliases'],
  aws_cloudwatch_log_group: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DescribeLogGroups'],
  aws_cloudwatch_log_metric_filter: ['logs:PutMetricFilter', 'logs:DescribeMetricFilters', 'logs:DeleteMetricFilter'],
  aws_cloudwatch_metric_alarm: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  aws_cloudwatch_dashboard: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
  aws_cloudwatch_query_definition: ['logs:PutQueryDefinition', 'logs:DescribeQueryDefinitions', 'logs:DeleteQueryDefinition'],
  aws_sns_topic: ['sns:CreateTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:TagResource'],
  aws_sns_topic_policy: ['sns:SetTopicAttributes'],
  aws_sns_topic_subscription: ['sns:Subscribe', 'sns:GetSubscriptionAttributes', 'sns:Unsubscribe'],
  aws_lambda_permission: ['lambda:AddPermission', 'lambda:GetPolicy', 'lambda:RemovePermission'],
  aws_cloudwatch_event_rule: ['events:PutRule', 'events:DescribeRule', 'events:DeleteRule'],
  aws_cloudwatch_event_target: ['events:PutTargets', 'events:ListTargetsByRule', 'events:RemoveTargets'],
  aws_iam_role: ['iam:CreateRole', 'iam:GetRole', 'iam:DeleteRole', 'iam:ListInstanceProfilesForRole'],
  aws_iam_role_policy: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  aws_iam_role_policy_attachment: ['iam:AttachRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:DetachRolePolicy'],
  aws_config_configuration_recorder: ['config:PutConfigurationRecorder', 'config:DescribeConfigurationRecorders', 'iam:PassRole'],
  aws_config_delivery_channel: ['config:PutDeliveryChannel', 'config:DescribeDeliveryChannels'],
  aws_config_configuration_recorder_status: ['config:StartConfigurationRecorder', 'config:DescribeConfigurationRecorderStatus'],
  aws_securityhub_account: ['securityhub:EnableSecurityHub', 'securityhub:DescribeHub', 'iam:CreateServiceLinkedRole'],
  aws_securityhub_standards_subscription: ['securityhub:BatchEnableStandards', 'securityhub:GetEnabledStandards'],
  aws_sqs_queue: ['sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:TagQueue', 'sqs:ListQueueTags'],
  aws_sqs_queue_policy: ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes'],
  aws_sqs_queue_redrive_allow_policy: ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes'],
  aws_s3_bucket_notification: ['s3:PutBucketNotification', 's3:GetBucketNotification'],
  aws_lambda_function: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionCodeSigningConfig', 'iam:PassRole'],
  aws_lambda_event_source_mapping: ['lambda:CreateEventSourceMapping', 'lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
  aws_scheduler_schedule: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'iam:PassRole'],
  aws_sfn_state_machine: ['states:CreateStateMachine', 'states:DescribeStateMachine', 'states:UpdateStateMachine', 'states:DeleteStateMachine', 'iam:PassRole'],
};
const DATA_NEEDS: Record<string, string[]> = {
  aws_caller_identity: ['sts:GetCallerIdentity'],
  aws_organizations_organization: ['organizations:DescribeOrganization'],
};

const policy = JSON.parse(readFileSync(join(REPO, 'stacks', 'deployer-policy.json'), 'utf8')) as { Statement: { Effect: string; Action: string | string[] }[] };
const granted = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const allows = (action: string) =>
  granted.some((g) => new RegExp(`^${g.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(action));

function typesOf(tf: Json, key: 'resource' | 'data'): string[] {
  return Object.keys(tf[key] ?? {});
}

test('the deployer policy covers every resource and data source the stacks synthesize', () => {
  const configs = [
    { alarms: { rulesDir: FIXTURE_RULES }, notifications: [{ protocol: 'lambda' as const, endpoint: 'arn:aws:lambda:us-east-1:111122223333:function:f' }] },
    {
      alarms: { rulesDir: FIXTURE_RULES },
      trail: { organization: { enabled: true } },
      opsTrail: { enabled: true },
      storage: { objectLock: { mode: 'GOVERNANCE' as const, days: 30 } },
      eventBridge: {
        enabled: true,
        targets: [
          { type: 'kinesis' as const, arn: 'arn:aws:kinesis:us-east-1:111122223333:stream/s' },
          { type: 'lambda' as const, arn: 'arn:aws:lambda:us-east-1:111122223333:function:triage' },
        ],
      },
      regions: ['us-east-1', 'eu-west-1'],
    },
    { account: '111122223333', detection: { enabled: true, eventBridge: true, sns: true }, schedule: { enabled: true }, backfill: { enabled: true } },
    { account: '111122223333', detection: { enabled: true, trigger: 'eventbridge' as const } },
  ];
  const seen = new Set<string>();
  for (const c of configs) {
    const s = synth(c);
    try {
      for (const t of typesOf(s.tf, 'resource')) {
        seen.add(t);
        expect([t, NEEDS[t] ? 'mapped' : 'no permissions listed']).toEqual([t, 'mapped']);
        expect([t, NEEDS[t].filter((a) => !allows(a))]).toEqual([t, []]);
      }
      for (const t of typesOf(s.tf, 'data')) {
        expect([t, (DATA_NEEDS[t] ?? ['(unmapped)']).filter((a) => !allows(a))]).toEqual([t, []]);
      }
    } finally {
      s.cleanup();
    }
  }
  // The map has no stale entries: every type it lists is one the stacks produce.
  expect(Object.keys(NEEDS).filter((t) => !seen.has(t))).toEqual([]);
});

test('PassRole is limited to the services that receive roles', () => {
  const pass = (policy.Statement as { Action: unknown; Condition?: Json }[]).filter((s) => JSON.stringify(s.Action).includes('iam:PassRole'));
  expect(pass).toHaveLength(1);
  expect(pass[0].Condition).toEqual({
    StringEquals: { 'iam:PassedToService': ['cloudtrail.amazonaws.com', 'config.amazonaws.com', 'events.amazonaws.com', 'lambda.amazonaws.com', 'scheduler.amazonaws.com', 'states.amazonaws.com'] },
  });
  expect(granted).not.toContain('*');
  expect(granted.filter((a) => a.endsWith(':*'))).toEqual([]);
});
