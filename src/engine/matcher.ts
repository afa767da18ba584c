import type { CloudTrailRecord } from '../model/event';
import type { RecordScreen } from '../model/record-screen';

/**
 * What a scan needs from an evaluator: the ids of the event rules a record matches, in rule-pack
 * order. The reference (json-rules-engine) and the compiled fast path give the same answer.
 */
export interface EventMatcher {
  matches(record: CloudTrailRecord): string[] | Promise<string[]>;
  /**
   * Optional pre-parse check for a reader that splits raw text (one screen per reader): a record
   * it screens out is one no rule can match, so it need not be parsed. It must never screen out a
   * record some rule matches.
   */
  screen?(): RecordScreen;
}
