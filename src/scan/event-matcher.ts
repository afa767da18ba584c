import type { CloudTrailRecord } from '../model/event';
import type { Rule } from '../model/rule';
import { EventEvaluator } from '../engine/evaluate';

/**
 * What the scan needs from an evaluator: the ids of the event rules a record matches, in
 * rule-pack order. The reference json-rules-engine evaluator and any faster one must give the
 * same answer; the scan does not care which it holds.
 */
export interface EventMatcher {
  matches(record: CloudTrailRecord): string[] | Promise<string[]>;
}

export function referenceMatcher(rules: readonly Rule[]): EventMatcher {
  return new EventEvaluator(rules);
}
