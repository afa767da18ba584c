import type { CloudTrailRecord } from '../model/event';
import type { RecordScreen } from '../model/record-screen';

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
  /** Optional: the same check over ranges of a larger text, for a reader that splits it (one per reader). */
  screen?(): RecordScreen;
}
