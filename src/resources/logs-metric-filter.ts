import { type Obj, asArray, isObj, pick, setOrNull, str, strOrNull } from '../util/values';
import { allPages } from './live-calls';
import { apiItem, blocks, configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::Logs::MetricFilter';

export const logsMetricFilter = defineResource({
  type: TYPE,
  description: "a CloudWatch Logs metric filter: counts the log group's events that match a CIS control's pattern",
  terraform: {
    types: { aws_cloudwatch_log_metric_filter: { idAttribute: 'name' } },
    map(v) {
      const mt = blocks(v.metric_transformation)[0] ?? {};
      return {
        type: TYPE,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: {
          pattern: typeof v.pattern === 'string' ? v.pattern : v.pattern === undefined ? '' : undefined,
          logGroupName: setOrNull(v.log_group_name),
          metricName: strOrNull(mt.name),
          metricNamespace: strOrNull(mt.namespace),
          metricValue: strOrNull(mt.value),
        },
        refs: { logGroup: tfRefs(v.log_group_name) },
      };
    },
  },
  config: {
    // Config does not record metric filters; the live scan lists them from CloudWatch Logs.
    queriedLive: false,
    map(item) {
      const c = item.configuration;
      const mt = asArray(pick(c, 'metricTransformations')).filter(isObj)[0] ?? {};
      return fromItem(
        item,
        {
          pattern: typeof pick(c, 'filterPattern') === 'string' ? pick(c, 'filterPattern') : '',
          logGroupName: strOrNull(pick(c, 'logGroupName')),
          metricName: strOrNull(pick(mt, 'metricName')),
          metricNamespace: strOrNull(pick(mt, 'metricNamespace')),
          metricValue: strOrNull(pick(mt, 'metricValue')),
        },
        { logGroup: configRefs(pick(c, 'logGroupName')) },
        { name: str(pick(c, 'filterName')) ?? item.resourceName },
      );
    },
  },
  live: {
    stage: 'each-reached-region',
    actions: ['logs:DescribeMetricFilters'],
    async read(ctx, region) {
      const c = ctx.clients(region);
      const action = 'logs:DescribeMetricFilters';
      const filters = await allPages(ctx.calls, action, region, (nextToken) => c.logs.send(new ctx.m.logs.DescribeMetricFiltersCommand({ nextToken })), (x) => x.metricFilters ?? [], (x) => x.nextToken);
      if (filters.failure) ctx.gap({ region, resourceType: TYPE, action, reason: filters.failure.reason });
      (filters.items as Obj[]).forEach((f, i) => {
        const id = `${String(f.logGroupName)}/${String(f.filterName)}`;
        ctx.push({ item: apiItem(TYPE, id, region, null, f, ctx.account()), source: { path: `live:${region}/${action}`, pointer: `/metricFilters/${i}` } });
      });
    },
  },
  relations: { logGroup: { to: ['AWS::Logs::LogGroup'] } },
});
