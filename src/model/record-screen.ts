/**
 * A look at raw record text before it is parsed, for readers that can skip records no consumer can
 * care about. The splitter hands it each text it holds (a whole file, or a chunk buffer) and then
 * the ranges of the records in it, in increasing order; a record screened out is counted but never
 * parsed. An implementation must never screen out a record a consumer would keep.
 */
export interface RecordScreen {
  /** The text that later ranges refer to; forgets everything about the previous one. */
  reset(text: string): void;
  /** Whether text[start, end) (one whole record, ranges ascending) may matter: false skips its parse. */
  mayMatch(start: number, end: number): boolean;
}
