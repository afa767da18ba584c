import type { LocatedRecord } from '../model/event';
import type { InputRecord } from '../model/input';
import { parseRecordText } from './parse-record';
import { describePlace, readRawCloudTrail } from './raw-records';

export { readRawCloudTrail, RawRecord, type RawReadOptions } from './raw-records';
export { parseRecordText, type ParseOutcome } from './parse-record';
export { DEFAULT_MAX_RECORD_BYTES } from './json-split';
export { STDIN_PATH } from './discover';

export interface ReadOptions {
  /** Records larger than this many bytes of JSON are skipped and reported (default 4 MiB). */
  maxRecordBytes?: number;
  /** Exactly one call per input (file, stdin, skipped or missing path), when that input is done. */
  onInput?: (input: InputRecord) => void;
  /** What `-` reads; defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Raw bytes read per chunk (default 64 KiB). */
  chunkBytes?: number;
  /**
   * A check on a record's raw text before it is parsed: false means no consumer can care about the
   * record, so it is counted in its input but neither parsed nor yielded. Applied only to elements
   * of a CloudTrail `{"Records":[...]}` envelope, which are plain records by definition; every other
   * shape is parsed, since only parsing tells what it wraps.
   */
  prefilter?: (text: string) => boolean;
}

/**
 * Every CloudTrail record in the given files, directories and stdin (`-`), one input at a time,
 * streaming, each with its place. Bad input never stops the read: it is reported through onInput
 * and the next input goes on.
 */
export async function* readCloudTrail(paths: string[], opts: ReadOptions = {}): AsyncGenerator<LocatedRecord> {
  const prefilter = opts.prefilter;
  for await (const raw of readRawCloudTrail(paths, opts)) {
    if (prefilter && raw.container === 'Records' && !prefilter(raw.text)) {
      raw.accept(1, 'record');
      continue;
    }
    const { index, line = 1 } = raw.location;
    const out = parseRecordText(raw.text, raw.container, { line, column: raw.column, index });
    if (!out.ok) {
      raw.reject(out.category, out.placed ? out.detail : `${describePlace(index, line, raw.column)}: ${out.detail}`);
      continue;
    }
    raw.accept(out.records.length, out.shape);
    for (const record of out.records) yield { record, location: raw.location };
  }
}
