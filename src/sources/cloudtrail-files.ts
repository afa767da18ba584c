/**
 * The CloudTrail event sources' API. Inputs: files, directories (recursive, sorted), `-` for
 * stdin; plain or gzip (by magic bytes); S3 `{"Records":[...]}`, bare arrays, JSON lines,
 * EventBridge envelopes, CloudWatch Logs FilterLogEvents/GetLogEvents output and export-task
 * lines. Every input gives exactly one InputRecord through onInput:
 * - processed: read to the end (skippedRecords may list elements that were not CloudTrail records);
 * - skipped: nothing to check (empty, digest, not an event file, no CloudTrail record in it);
 * - error: unreadable (missing, corrupt gzip, truncated or invalid JSON) or a record in it could not
 *   be checked (oversized, invalid JSON line); records read before the damage are still yielded.
 *
 * Layers, each usable alone: discover.ts (paths to inputs) -> decode.ts (bytes, gunzip, UTF-8)
 * -> json-split.ts (raw record text) -> raw-records.ts (per-input accounting; readRawCloudTrail)
 * -> parse-record.ts (the only JSON.parse) + shapes.ts (unwrap) -> readCloudTrail here.
 * A screen (ReadOptions.screen) lets the splitter count records without parsing them; a caller
 * with other needs can read readRawCloudTrail, settle each RawRecord itself (accept without
 * parsing, or parseRecordText then accept/reject), and keep the same accounting.
 */
import type { LocatedRecord } from '../model/event';
import type { TimeWindow } from '../model/event-source';
import type { InputRecord } from '../model/input';
import type { RecordScreen } from '../model/record-screen';
import { parseRecordText } from './parse-record';
import { describePlace, type RawRecord, readRawBatches, readRawObject } from './raw-records';
import { inWindow, windowedScreen } from './time-window';

export { readRawCloudTrail, type RawReadOptions } from './raw-records';
export { parseRecordText, type ParseOutcome } from './parse-record';

export interface ReadOptions {
  /** Records larger than this many bytes of JSON are skipped and reported (default 4 MiB). */
  maxRecordBytes?: number;
  /** Exactly one call per input (file, stdin, skipped or missing path), when that input is done. */
  onInput?: (input: InputRecord) => void;
  /** What `-` reads; defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Raw bytes read per chunk (default 256 KiB). */
  chunkBytes?: number;
  /**
   * A look at each record's raw text before it is parsed (see RecordScreen): a record it screens out
   * is counted in its input but neither parsed nor yielded. Applied only to elements of a CloudTrail
   * `{"Records":[...]}` envelope, which are plain records by definition; every other shape is
   * parsed, since only parsing tells what it wraps.
   */
  screen?: RecordScreen;
  /** Only records from this time window are yielded and counted (the S3 archive's date edges). */
  window?: TimeWindow;
}

/**
 * Every CloudTrail record in the given files, directories and stdin (`-`), one input at a time,
 * streaming, each with its place. Bad input never stops the read: it is reported through onInput
 * and the next input goes on.
 */
export async function* readCloudTrail(paths: string[], opts: ReadOptions = {}): AsyncGenerator<LocatedRecord> {
  for await (const batch of readCloudTrailBatches(paths, opts)) yield* batch;
}

/** The same records in batches (per decoded piece of an input): far fewer async steps per record. */
export async function* readCloudTrailBatches(paths: readonly string[], opts: ReadOptions = {}): AsyncGenerator<LocatedRecord[]> {
  yield* settleAll(readRawBatches(paths, { ...opts, screen: windowedScreen(opts.screen, opts.window) }), opts.window);
}

/**
 * One input that is not a local file, by its name (an s3:// URI), from its bytes or a stream of
 * them: read exactly as readCloudTrail reads the same file on disk.
 */
export async function* readCloudTrailObject(name: string, bytes: Buffer | AsyncIterable<Buffer | string>, opts: ReadOptions = {}): AsyncGenerator<LocatedRecord[]> {
  yield* settleAll(readRawObject(name, bytes, { ...opts, screen: windowedScreen(opts.screen, opts.window) }), opts.window);
}

async function* settleAll(batches: AsyncIterable<RawRecord[]>, window: TimeWindow | undefined): AsyncGenerator<LocatedRecord[]> {
  for await (const raws of batches) {
    const out: LocatedRecord[] = [];
    for (const raw of raws) settle(raw, out, window);
    if (out.length > 0) yield out;
  }
}

function settle(raw: RawRecord, out: LocatedRecord[], window: TimeWindow | undefined): void {
  const { index, line = 1 } = raw.location;
  const parsed = parseRecordText(raw.text, raw.container, { line, column: raw.column, index });
  if (!parsed.ok) {
    raw.reject(parsed.category, parsed.placed ? parsed.detail : `${describePlace(index, line, raw.column)}: ${parsed.detail}`);
    return;
  }
  const records = window ? parsed.records.filter((r) => inWindow(r, window)) : parsed.records;
  raw.accept(records.length, parsed.shape);
  for (const record of records) out.push({ record, location: raw.location });
}

