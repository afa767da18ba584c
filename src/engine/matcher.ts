import type { CloudTrailRecord } from '../model/event';

/**
 * What a scan needs from an evaluator: the ids of the event rules a record matches, in rule-pack
 * order. The reference (json-rules-engine) and the compiled fast path give the same answer.
 */
export interface EventMatcher {
  matches(record: CloudTrailRecord): string[] | Promise<string[]>;
  /**
   * Optional pre-parse check on a record's raw JSON text: false means no rule can match it, so the
   * caller may skip parsing. Must never be false for a record some rule matches.
   */
  mayMatchText?(text: string): boolean;
}
