import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Annotations } from 'cdktf';
import type { AlarmPlan } from '../alarm-plan';
import { topicKeyPolicy, topicPolicy } from '../policies';
import { type BuildContext, json } from './context';
import { customerKey } from './key';
import { METRIC_NAMESPACES } from '../../src/lambda/emf';

export interface AlarmTopology {
  topic: SnsTopic;
  /** `filter` is absent where the detection function feeds the alarm (detection.alarmSource). */
  alarms: { plan: AlarmPlan; alarm: CloudwatchMetricAlarm; filter?: CloudwatchLogMetricFilter }[];
  deliveryAlarm?: CloudwatchMetricAlarm;
}

/** The topic every alarm notifies: KMS-encrypted, publishable by CloudWatch, subscribed from config. */
export function alarmTopic(ctx: BuildContext): SnsTopic {
  const { stack, config, policy } = ctx;
  const key = customerKey(ctx, 'topic_key', `${config.alarms.topicName}: SNS topic for security alarms`, topicKeyPolicy(policy, config.eventBridge.enabled));
  const topic = new SnsTopic(stack, 'alarm_topic', { name: config.alarms.topicName, displayName: 'trailproof security alarms', kmsMasterKeyId: key.arn });
  new SnsTopicPolicy(stack, 'alarm_topic_policy', { arn: topic.arn, policy: json(topicPolicy(policy, topic.arn, config.eventBridge.enabled)) });
  if (config.notifications.length === 0) {
    Annotations.of(stack).addWarning(
      'no notifications configured: the alarm topic has no subscriber, so the CIS monitoring controls (4.1-4.15) fail until one is added',
    );
  }
  config.notifications.forEach((s, i) => {
    const id = `alarm_subscription_${i}_${s.protocol.replace('-', '_')}`;
    new SnsTopicSubscription(stack, id, {
      topicArn: topic.arn,
      protocol: s.protocol,
      endpoint: s.endpoint,
      rawMessageDelivery: s.rawMessageDelivery,
    });
    if (s.protocol === 'lambda') {
      // SNS can invoke the function only if the function's resource policy lets this topic do so.
      new LambdaPermission(stack, `${id}_permission`, {
        action: 'lambda:InvokeFunction',
        functionName: s.endpoint,
        principal: 'sns.amazonaws.com',
        sourceArn: topic.arn,
        statementId: `${config.namePrefix}-alarm-topic`,
      });
    }
  });
  return topic;
}

/** Recovery (OK) and INSUFFICIENT_DATA notifications, as configured: responders learn an alarm cleared. */
function stateActions(ctx: BuildContext, topic: SnsTopic): { okActions?: string[]; insufficientDataActions?: string[] } {
  return {
    ...(ctx.config.alarms.okActions ? { okActions: [topic.arn] } : {}),
    ...(ctx.config.alarms.insufficientDataActions ? { insufficientDataActions: [topic.arn] } : {}),
  };
}

/**
 * One metric filter and one alarm per planned rule, all on the trail's log group. Without a log
 * group the alarm alone, on the same metric, which the detection function writes as EMF.
 */
export function ruleAlarms(ctx: BuildContext, plans: AlarmPlan[], logGroup: CloudwatchLogGroup | undefined, topic: SnsTopic): AlarmTopology['alarms'] {
  const { stack } = ctx;
  return plans.map((plan) => {
    const filter = logGroup
      ? new CloudwatchLogMetricFilter(stack, `filter_${plan.logicalId}`, {
          name: plan.filterName,
          logGroupName: logGroup.name,
          pattern: plan.filterPattern,
          metricTransformation: { name: plan.metricName, namespace: plan.namespace, value: plan.metricValue },
        })
      : undefined;
    const alarm = new CloudwatchMetricAlarm(stack, `alarm_${plan.logicalId}`, {
      alarmName: plan.alarmName,
      alarmDescription: plan.alarmDescription,
      metricName: plan.metricName,
      namespace: plan.namespace,
      statistic: plan.alarm.statistic,
      period: plan.alarm.period,
      evaluationPeriods: plan.alarm.evaluationPeriods,
      threshold: plan.alarm.threshold,
      comparisonOperator: plan.alarm.comparisonOperator,
      treatMissingData: plan.alarm.treatMissingData,
      actionsEnabled: true,
      alarmActions: [topic.arn],
      ...stateActions(ctx, topic),
      // The metric exists only once the filter does; creating the alarm first leaves it on no data.
      dependsOn: filter ? [filter] : undefined,
    });
    return { plan, alarm, filter };
  });
}

/**
 * The trail's delivery health: CloudTrail always has management events to deliver, so two hours
 * with nothing reaching the log group means delivery (or the trail) stopped. IncomingLogEvents
 * has no data points at all then, and right after deploy too, before the first delivery: with
 * missing data treated as breaching the alarm would page on every new deploy. Missing data is
 * left missing instead, so the alarm sits in INSUFFICIENT_DATA until the first delivery (no state
 * change, no notification), goes OK once events flow, and a stop moves it OK -> INSUFFICIENT_DATA,
 * which notifies the topic.
 */
export function deliveryHealthAlarm(ctx: BuildContext, logGroup: CloudwatchLogGroup | undefined, topic: SnsTopic): CloudwatchMetricAlarm {
  const { stack, config } = ctx;
  // Without CloudWatch Logs delivery the same question is asked of the detection function's
  // count of log files it scanned (trailproof/detection Files, dimensionless EMF).
  const metric = logGroup
    ? {
        alarmDescription: `INSUFFICIENT_DATA after OK: no CloudTrail events reached ${config.logs.logGroupName} for 2 hours, the trail ${config.trail.name} may have stopped logging or lost its delivery role`,
        namespace: 'AWS/Logs',
        metricName: 'IncomingLogEvents',
        dimensions: { LogGroupName: logGroup.name },
      }
    : {
        alarmDescription: `INSUFFICIENT_DATA after OK: the detection function scanned no log file of the trail ${config.trail.name} for 2 hours: the trail, its S3 delivery or the detection queue may have stopped`,
        namespace: METRIC_NAMESPACES.operations,
        metricName: 'Files',
      };
  return new CloudwatchMetricAlarm(stack, 'alarm_trail_delivery_stopped', {
    alarmName: `${config.namePrefix}-trail-delivery-stopped`,
    ...metric,
    statistic: 'Sum',
    period: 3600,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: 'LessThanThreshold',
    treatMissingData: 'missing',
    actionsEnabled: true,
    alarmActions: [topic.arn],
    // INSUFFICIENT_DATA is this alarm's signal, so it notifies whatever alarms.insufficientDataActions says.
    ...stateActions(ctx, topic),
    insufficientDataActions: [topic.arn],
  });
}
