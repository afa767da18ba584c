import { type Obj, num, parseArn, pick, setOrNull, str, strOrNull } from '../util/values';
import { allPages } from './live-calls';
import { apiItem, configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::Logs::LogGroup';

/** DescribeLogGroups and a trail's setting write a group's ARN with a trailing `:*`, Config without: one key for both. */
const withoutWildcard = (arn: string): string => arn.replace(/:\*$/, '');

/** The group a `log-group:` ARN names (trail settings, alarms and Config all spell it so). */
export const logGroupNameFromArn = (a: { resource: string }): string | null =>
  a.resource.startsWith('log-group:') ? withoutWildcard(a.resource.slice('log-group:'.length)) : null;

export const logsLogGroup = defineResource({
  type: TYPE,
  description: 'a CloudWatch Logs group: where a trail delivers events for metric filters to count',
  terraform: {
    types: { aws_cloudwatch_log_group: { idAttribute: 'name' } },
    map(v) {
      const retention = num(v.retention_in_days, 0);
      return {
        type: TYPE,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: { retentionInDays: retention === 0 ? null : retention, kmsKeyId: setOrNull(v.kms_key_id) },
        refs: { kmsKey: tfRefs(v.kms_key_id) },
      };
    },
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      return fromItem(
        item,
        { retentionInDays: num(pick(c, 'retentionInDays'), null), kmsKeyId: strOrNull(pick(c, 'kmsKeyId')) },
        { kmsKey: configRefs(pick(c, 'kmsKeyId')) },
        { name: str(pick(c, 'logGroupName')) ?? item.resourceName ?? item.resourceId, arn: item.arn ? withoutWildcard(item.arn) : null },
      );
    },
  },
  live: {
    stage: 'each-reached-region',
    actions: ['logs:DescribeLogGroups'],
    async read(ctx, region) {
      const c = ctx.clients(region);
      const action = 'logs:DescribeLogGroups';
      const groups = await allPages(ctx.calls, action, region, (nextToken) => c.logs.send(new ctx.m.logs.DescribeLogGroupsCommand({ nextToken })), (x) => x.logGroups ?? [], (x) => x.nextToken);
      if (groups.failure) ctx.gap({ region, resourceType: TYPE, action, reason: groups.failure.reason });
      (groups.items as Obj[]).forEach((g, i) => {
        const arn = typeof g.arn === 'string' ? withoutWildcard(g.arn) : null;
        ctx.push({
          item: { ...apiItem(TYPE, String(g.logGroupName), region, arn, g, parseArn(arn)?.account ?? ctx.account()), resourceName: String(g.logGroupName) },
          source: { path: `live:${region}/${action}`, pointer: `/logGroups/${i}` },
        });
      });
    },
  },
  relations: { kmsKey: { to: ['AWS::KMS::Key', 'AWS::KMS::Alias'] } },
  target: {
    nameFromArn: logGroupNameFromArn,
    incoming: [
      { from: 'AWS::Logs::MetricFilter', relation: 'logGroup', as: 'metricFilters' },
      { from: 'AWS::CloudTrail::Trail', relation: 'logGroup', as: 'trails' },
    ],
  },
});
