import type { Rule } from '../model/rule';
import { type InsightsQuery, insightsQuery } from './translate';

/** An event rule's Logs Insights queries, as the stacks save them and findings cite them. */
export interface RuleInsights extends InsightsQuery {
  /** The saved query's name (aws_cloudwatch_query_definition); `/` makes console folders. */
  name: string;
  byPrincipalName: string;
}

const cache = new WeakMap<Rule, RuleInsights | null>();

/**
 * Translated once per rule object: every finding of a rule cites the same text, and the scan
 * pays the translation once, not per finding. Undefined for a rule without a pattern, or whose
 * pattern does not parse (the loader reports that).
 */
export function ruleInsights(rule: Rule): RuleInsights | undefined {
  let r = cache.get(rule);
  if (r === undefined) {
    r = null;
    if (rule.cloudwatch) {
      try {
        r = { ...insightsQuery(rule.cloudwatch.filterPattern), name: `trailproof/${rule.id}`, byPrincipalName: `trailproof/${rule.id}/by-principal` };
      } catch {
        r = null;
      }
    }
    cache.set(rule, r);
  }
  return r ?? undefined;
}
