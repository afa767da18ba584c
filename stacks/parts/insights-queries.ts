import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ruleInsights } from '../../src/insights/rule-queries';
import type { AlarmPlan } from '../alarm-plan';
import type { BuildContext } from './context';

export interface SavedQueries {
  plan: AlarmPlan;
  events: CloudwatchQueryDefinition;
  byPrincipal: CloudwatchQueryDefinition;
}

/**
 * For every event rule, its Logs Insights query saved on the trail's log group, twice: the events
 * themselves and the count by principal. An alarm says that something happened; these say what and
 * who, under the names every finding cites (evidence.logsInsights.queryDefinition).
 */
export function savedQueries(ctx: BuildContext, plans: readonly AlarmPlan[], logGroup: CloudwatchLogGroup | undefined): SavedQueries[] {
  const out: SavedQueries[] = [];
  // Logs Insights reads a log group: without the trail's delivery there is nothing to query.
  if (!logGroup) return out;
  for (const plan of plans) {
    const q = ruleInsights(plan.rule);
    if (!q) continue;
    const events = new CloudwatchQueryDefinition(ctx.stack, `query_${plan.logicalId}`, { name: q.name, logGroupNames: [logGroup.name], queryString: q.query });
    const byPrincipal = new CloudwatchQueryDefinition(ctx.stack, `query_${plan.logicalId}_by_principal`, {
      name: q.byPrincipalName,
      logGroupNames: [logGroup.name],
      queryString: q.byPrincipal,
    });
    out.push({ plan, events, byPrincipal });
  }
  return out;
}
