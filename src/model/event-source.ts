import type { LocatedRecord } from './event';
import type { InputRecord } from './input';
import type { RecordScreen } from './record-screen';

/**
 * The one contract for where CloudTrail events come from: local files and directories, a trail's
 * S3 archive, CloudTrail Event History, and (through the same file reader) a single delivered
 * object in the detection Lambda. Every source yields located records and accounts for each input
 * it read with exactly one InputRecord, so a scan treats them all alike.
 */

/** Events from `since` to `until`, both included; either end may be open. */
export interface TimeWindow {
  since?: Date;
  until?: Date;
}

export interface EventReadOptions {
  /** Exactly one call per input (file, object, Event History region), when that input is done. */
  onInput: (input: InputRecord) => void;
  /** Records larger than this many bytes of JSON are skipped and reported (default 4 MiB). */
  maxRecordBytes?: number;
  /** Lets the file reader count records no rule can match without parsing them (RecordScreen). */
  screen?: RecordScreen;
  /** What `-` reads; defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Live sources only: events outside it are neither yielded nor counted. */
  window?: TimeWindow;
  /** Live sources: the regions read (Event History) or the region folders read (archive). */
  regions?: string[];
  /** The archive: only these accounts' folders. */
  accounts?: string[];
  /** An endpoint override for the AWS clients (tests, private endpoints). */
  endpoint?: string;
  maxAttempts?: number;
}

/** One kind of `--events` value, with what the help says about it. */
export interface EventSource {
  /** The value as the help shows it: `PATH`, `s3://bucket/prefix`, `cloudtrail:lookup`. */
  readonly form: string;
  /** What it reads, in a few words for the help. */
  readonly summary: string;
  /** Whether this source reads `spec`; the registry asks each in turn, the local files last. */
  accepts(spec: string): boolean;
  /** The records of every given spec, in batches, in order. */
  read(specs: readonly string[], opts: EventReadOptions): AsyncIterable<LocatedRecord[]>;
}
