import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopology } from './alarms';
import { type BuildContext, json } from './context';

const WIDTH = 8;
const HEIGHT = 6;
const PER_ROW = 24 / WIDTH;

/** A graph of an alarm's metric with its threshold; CloudWatch takes metric, statistic and period from the alarm. */
function alarmWidget(title: string, alarm: CloudwatchMetricAlarm, x: number, y: number, region: string): Record<string, unknown> {
  return { type: 'metric', x, y, width: WIDTH, height: HEIGHT, properties: { title, region, view: 'timeSeries', annotations: { alarms: [alarm.arn] } } };
}

/**
 * One widget per alarm (its metric with the alarm line on it), after a header row with the
 * trail's delivery health, so a glance tells whether the alarms can be trusted at all.
 */
export function auditDashboard(ctx: BuildContext, o: { alarms: AlarmTopology['alarms']; logGroup: CloudwatchLogGroup; deliveryAlarm?: CloudwatchMetricAlarm }): CloudwatchDashboard {
  const { stack, config } = ctx;
  const region = config.region;
  const widgets: Record<string, unknown>[] = [
    {
      type: 'text',
      x: 0,
      y: 0,
      width: 8,
      height: HEIGHT,
      properties: {
        markdown: `## Audit trail ${config.trail.name}\nEvents delivered to \`${config.logs.logGroupName}\` and one alarm per trailproof event rule (${o.alarms.length}). Alarms notify \`${config.alarms.topicName}\`.`,
      },
    },
    {
      type: 'metric',
      x: 8,
      y: 0,
      width: 8,
      height: HEIGHT,
      properties: {
        title: 'Trail delivery: events reaching the log group',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: 300,
        metrics: [
          ['AWS/Logs', 'IncomingLogEvents', 'LogGroupName', o.logGroup.name],
          ['AWS/Logs', 'IncomingBytes', 'LogGroupName', o.logGroup.name, { yAxis: 'right' }],
        ],
      },
    },
  ];
  if (o.deliveryAlarm) widgets.push(alarmWidget('Trail delivery stopped?', o.deliveryAlarm, 16, 0, region));
  o.alarms.forEach(({ plan, alarm }, i) => {
    widgets.push(alarmWidget(plan.rule.title, alarm, (i % PER_ROW) * WIDTH, HEIGHT * (1 + Math.floor(i / PER_ROW)), region));
  });
  return new CloudwatchDashboard(stack, 'audit_dashboard', { dashboardName: config.dashboard.name, dashboardBody: json({ widgets }) });
}
