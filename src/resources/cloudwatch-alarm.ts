import { type Obj, bool, num, parseArn, pick, str, strOrNull, strings } from '../util/values';
import { allPages } from './live-calls';
import { apiItem, configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::CloudWatch::Alarm';

export const cloudwatchAlarm = defineResource({
  type: TYPE,
  description: "a CloudWatch metric alarm: fires on a metric filter's metric and notifies its topics",
  terraform: {
    types: { aws_cloudwatch_metric_alarm: { idAttribute: 'alarm_name' } },
    map: (v) => ({
      type: TYPE,
      id: str(v.alarm_name),
      name: str(v.alarm_name),
      arn: null,
      properties: {
        actionsEnabled: bool(v.actions_enabled, true),
        alarmActions: strings(v.alarm_actions),
        metricName: strOrNull(v.metric_name),
        namespace: strOrNull(v.namespace),
        statistic: strOrNull(v.statistic),
        period: num(v.period, null),
        threshold: num(v.threshold, null),
        evaluationPeriods: num(v.evaluation_periods, null),
        comparisonOperator: strOrNull(v.comparison_operator),
      },
      refs: { topics: tfRefs(v.alarm_actions) },
    }),
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      return fromItem(
        item,
        {
          actionsEnabled: bool(pick(c, 'actionsEnabled'), true),
          alarmActions: strings(pick(c, 'alarmActions')),
          metricName: strOrNull(pick(c, 'metricName')),
          namespace: strOrNull(pick(c, 'namespace')),
          statistic: strOrNull(pick(c, 'statistic')),
          period: num(pick(c, 'period'), null),
          threshold: num(pick(c, 'threshold'), null),
          evaluationPeriods: num(pick(c, 'evaluationPeriods'), null),
          comparisonOperator: strOrNull(pick(c, 'comparisonOperator')),
        },
        { topics: configRefs(pick(c, 'alarmActions')) },
        { name: str(pick(c, 'alarmName')) ?? item.resourceName },
      );
    },
  },
  live: {
    stage: 'each-reached-region',
    actions: ['cloudwatch:DescribeAlarms'],
    async read(ctx, region) {
      const c = ctx.clients(region);
      const action = 'cloudwatch:DescribeAlarms';
      const alarms = await allPages(
        ctx.calls,
        action,
        region,
        (NextToken) => c.cloudwatch.send(new ctx.m.cloudwatch.DescribeAlarmsCommand({ NextToken, AlarmTypes: ['MetricAlarm'] })),
        (x) => x.MetricAlarms ?? [],
        (x) => x.NextToken,
      );
      if (alarms.failure) ctx.gap({ region, resourceType: TYPE, action, reason: alarms.failure.reason });
      (alarms.items as Obj[]).forEach((a, i) => {
        const arn = typeof a.AlarmArn === 'string' ? a.AlarmArn : null;
        ctx.push({
          item: { ...apiItem(TYPE, String(a.AlarmName), region, arn, a, parseArn(arn)?.account ?? ctx.account()), resourceName: String(a.AlarmName) },
          source: { path: `live:${region}/${action}`, pointer: `/MetricAlarms/${i}` },
        });
        // the topics it notifies: their subscriptions are read next
        for (const act of (a.AlarmActions as string[] | undefined) ?? []) if (parseArn(act)?.service === 'sns') ctx.refer('AWS::SNS::Topic', act);
      });
    },
  },
  relations: { topics: { to: ['AWS::SNS::Topic'], many: true } },
});
