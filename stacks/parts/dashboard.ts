import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmTopology } from './alarms';
import { METRIC_NAMESPACES } from '../../src/lambda/emf';
import type { SavedQueries } from './insights-queries';
import { ruleInsights } from '../../src/insights/rule-queries';
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
/**
 * Who set off the detections, the last day: one Logs Insights table over the trail's log group,
 * every event rule's filter ORed, counted by principal and event name. (A widget runs its query on
 * each refresh, so there is one, not one per rule; the saved queries give the per-rule view.)
 */
function insightsWidget(queries: readonly SavedQueries[], logGroupName: string, y: number, region: string): Record<string, unknown> | undefined {
  const all = queries.map((q) => ruleInsightsFilter(q)).filter((f): f is string => f !== undefined);
  // Logs Insights takes a query of at most 10,000 characters: rules past that stay in their saved queries.
  const filters: string[] = [];
  let length = 400 + logGroupName.length;
  for (const f of all) {
    if (length + f.length + 6 > 10_000) break;
    filters.push(f);
    length += f.length + 6;
  }
  if (filters.length === 0) return undefined;
  const query =
    `SOURCE '${logGroupName}' | filter ${filters.map((f) => `(${f})`).join(' or ')}\n` +
    '| fields coalesce(userIdentity.arn, userIdentity.principalId, userIdentity.invokedBy, userIdentity.type) as principal\n' +
    '| stats count(*) as events, max(@timestamp) as last by principal, eventName\n| sort events desc\n| limit 50';
  return { type: 'log', x: 0, y, width: 24, height: HEIGHT, properties: { title: `Detections by principal (Logs Insights, ${filters.length === all.length ? 'every event rule' : `${filters.length} of ${all.length} event rules`})`, region, view: 'table', query } };
}

function ruleInsightsFilter(q: SavedQueries): string | undefined {
  return ruleInsights(q.plan.rule)?.filter;
}

export function auditDashboard(
  ctx: BuildContext,
  o: { alarms: AlarmTopology['alarms']; logGroup?: CloudwatchLogGroup; deliveryAlarm?: CloudwatchMetricAlarm; queries?: readonly SavedQueries[] },
): CloudwatchDashboard {
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
        markdown: o.logGroup
          ? `## Audit trail ${config.trail.name}\nEvents delivered to \`${config.logs.logGroupName}\` and one alarm per trailproof event rule (${o.alarms.length}). Alarms notify \`${config.alarms.topicName}\`.`
          : `## Audit trail ${config.trail.name}\nEach delivered log file is scanned by the detection function, whose counts feed one alarm per trailproof event rule (${o.alarms.length}). Alarms notify \`${config.alarms.topicName}\`.`,
      },
    },
    {
      type: 'metric',
      x: 8,
      y: 0,
      width: 8,
      height: HEIGHT,
      properties: {
        title: o.logGroup ? 'Trail delivery: events reaching the log group' : 'Trail delivery: files and events the detection function scanned',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: 300,
        metrics: o.logGroup
          ? [
              ['AWS/Logs', 'IncomingLogEvents', 'LogGroupName', o.logGroup.name],
              ['AWS/Logs', 'IncomingBytes', 'LogGroupName', o.logGroup.name, { yAxis: 'right' }],
            ]
          : [
              [METRIC_NAMESPACES.operations, 'Events'],
              [METRIC_NAMESPACES.operations, 'Files', { yAxis: 'right' }],
            ],
      },
    },
  ];
  if (o.deliveryAlarm) widgets.push(alarmWidget('Trail delivery stopped?', o.deliveryAlarm, 16, 0, region));
  o.alarms.forEach(({ plan, alarm }, i) => {
    widgets.push(alarmWidget(plan.rule.title, alarm, (i % PER_ROW) * WIDTH, HEIGHT * (1 + Math.floor(i / PER_ROW)), region));
  });
  const insights = insightsWidget(o.queries ?? [], config.logs.logGroupName, HEIGHT * (1 + Math.ceil(o.alarms.length / PER_ROW)), region);
  if (insights) widgets.push(insights);
  return new CloudwatchDashboard(stack, 'audit_dashboard', { dashboardName: config.dashboard.name, dashboardBody: json({ widgets }) });
}
