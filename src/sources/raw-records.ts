import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { RecordLocation } from '../model/event';
import type { InputRecord } from '../model/input';
import type { RecordScreen } from '../model/record-screen';
import type { AwsLogsKey } from './aws-logs-key';
import { DecodeError, decodeBytes, Utf8Text, wholeText } from './decode';
import { describeFsError, discoverInputs, eventFileHints } from './discover';
import { InputTally } from './input-tally';
import { type Container, DEFAULT_MAX_RECORD_BYTES, JsonSplitter, type RawElement } from './json-split';
import { readWholeFile, type WholeFile, wholeBytes } from './whole-file';
import type { RecordShape, SkipCategory } from './shapes';

export interface RawReadOptions {
  /** Records larger than this (UTF-8 bytes of their JSON text) are skipped and reported. Default 4 MiB. */
  maxRecordBytes?: number;
  /** Called once per input when it is done (or found unreadable), in input order. */
  onInput?: (input: InputRecord) => void;
  /** Read for the path `-`; defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Raw read size per chunk; smaller bounds memory per decompressed chunk. Default 256 KiB (fewer async hops per file; see docs/performance.md). */
  chunkBytes?: number;
  /** Screens the elements of `{"Records":[...]}` envelopes before they become RawRecords (see JsonSplitter). */
  screen?: RecordScreen;
}

/**
 * One record's text before JSON.parse, with its place. The consumer settles each one: accept it
 * (with how many CloudTrail records it gave) or reject it with a reason; one left unsettled counts
 * as one record. The input's InputRecord is emitted after its last raw record was consumed.
 */
export class RawRecord {
  private settled = false;

  constructor(
    private readonly tally: InputTally,
    readonly text: string,
    readonly container: Container,
    readonly location: RecordLocation,
    /** 1-based column where the text starts (with location.line). */
    readonly column: number,
    /** The time in front of a CloudWatch Logs export-task line. */
    readonly timestamp?: string,
  ) {}

  accept(count: number, shape: RecordShape): void {
    if (this.settled) return;
    this.settled = true;
    this.tally.accept(count, shape);
  }

  reject(category: SkipCategory, detail: string): void {
    if (this.settled) return;
    this.settled = true;
    this.tally.reject(category, detail);
  }
}

/** "record 3 at line 1 column 5810": how people are pointed at a record in reasons. */
export function describePlace(index: number, line: number, column: number): string {
  return `record ${index + 1} at line ${line} column ${column}`;
}

/**
 * Every record's raw text from the given paths, one input at a time, streaming. The lower layer of
 * readCloudTrail: use it to look at text before parsing it (parse with parseRecordText).
 */
export async function* readRawCloudTrail(paths: readonly string[], opts: RawReadOptions = {}): AsyncGenerator<RawRecord> {
  for await (const batch of readRawBatches(paths, opts)) yield* batch;
}

/**
 * The same records in batches (every record of one decoded piece): one async step per batch
 * instead of per record, which is most of the cost of reading once parsing is skipped.
 */
export async function* readRawBatches(paths: readonly string[], opts: RawReadOptions = {}): AsyncGenerator<RawRecord[]> {
  for await (const d of discoverInputs(paths)) {
    if (d.type === 'skip') {
      opts.onInput?.({ path: d.path, kind: d.kind, status: 'skipped', records: 0, sha256: null, reason: d.reason });
      continue;
    }
    if (d.type === 'error') {
      opts.onInput?.({ path: d.path, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: d.reason });
      continue;
    }
    if (d.type === 'stdin') {
      yield* readInput(d.path, { open: () => opts.stdin ?? process.stdin, owned: false }, { lines: false }, opts);
    } else {
      const hi = opts.chunkBytes ?? 256 * 1024;
      yield* readInput(d.path, { whole: () => readWholeFile(d.path), open: () => createReadStream(d.path, { highWaterMark: hi }), owned: true }, d, opts);
    }
  }
}

/**
 * One input that is not a local file (an S3 object, by its s3:// name): its bytes in memory or as
 * a stream, read exactly as the same file on disk would be (the name gives the same hints: JSON
 * lines by extension, the trail's key layout), with the same limits, shapes, screen and account.
 */
export async function* readRawObject(name: string, bytes: Buffer | AsyncIterable<Buffer | string>, opts: RawReadOptions = {}): AsyncGenerator<RawRecord[]> {
  const source: ByteSource = Buffer.isBuffer(bytes)
    ? { whole: () => wholeBytes(bytes), open: () => oneChunk(bytes), owned: true }
    : { open: () => bytes as NodeJS.ReadableStream, owned: true };
  yield* readInput(name, source, eventFileHints(name), opts);
}

async function* oneChunk(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

/** Where one input's bytes come from. */
interface ByteSource {
  /** The whole input at once when that is cheap and safe (the fast path); undefined streams it. */
  whole?: () => WholeFile | undefined;
  open: () => NodeJS.ReadableStream | AsyncIterable<Buffer | string>;
  /** Whether the stream is released when reading stops (never stdin). */
  owned: boolean;
}

async function* readInput(path: string, input: ByteSource, hints: { lines: boolean; awsLogs?: AwsLogsKey }, opts: RawReadOptions): AsyncGenerator<RawRecord[]> {
  const tally = new InputTally(path, hints.awsLogs);
  const hash = createHash('sha256');
  let bytes = 0;
  const utf8 = new Utf8Text();
  const splitter = new JsonSplitter({ maxRecordBytes: opts.maxRecordBytes, lines: hints.lines, screen: opts.screen });
  let fatal: string | undefined;
  let source: NodeJS.ReadableStream | AsyncIterable<Buffer | string> | undefined;

  const toRaw = (el: RawElement): RawRecord | undefined => {
    const location: RecordLocation = { path, index: el.index, line: el.line };
    if (el.oversize !== undefined) {
      tally.skip('oversized', `${describePlace(el.index, el.line, el.column)} has ${el.oversize} characters, over the ${formatBytes(opts.maxRecordBytes)} limit`);
      return undefined;
    }
    tally.handedOut();
    return new RawRecord(tally, el.text, el.container, location, el.column, el.timestamp);
  };

  const toBatch = (els: RawElement[]): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const el of els) {
      const raw = toRaw(el);
      if (raw) out.push(raw);
    }
    return out;
  };

  try {
    const tap = (b: Buffer) => {
      hash.update(b);
      bytes += b.length;
    };
    const whole = input.whole?.();
    if (whole) {
      tap(whole.raw);
      const els = splitter.push(wholeText(whole.plain)).concat(splitter.end());
      fatal = splitter.error;
      const batch = toBatch(els);
      if (batch.length > 0) yield batch;
    } else {
      source = input.open();
      for await (const piece of decodeBytes(source as AsyncIterable<Buffer | string>, { tap })) {
        // After damage the rest is still read, so sha256 and bytes always describe the whole input.
        if (fatal) continue;
        const els = splitter.push(utf8.write(piece));
        fatal = splitter.error;
        const batch = toBatch(els);
        if (batch.length > 0) yield batch;
      }
      if (!fatal) {
        const els = splitter.push(utf8.end()).concat(splitter.end());
        fatal = splitter.error;
        const batch = toBatch(els);
        if (batch.length > 0) yield batch;
      }
    }
  } catch (err) {
    // Records decoded before the damage have been yielded already.
    fatal ??= err instanceof DecodeError ? err.message : `read error: ${describeFsError(err)}`;
  } finally {
    // Also reached when the consumer stops early: release the file, but never close stdin.
    if (input.owned && source && 'destroy' in source) (source as unknown as { destroy(): void }).destroy();
  }
  const l = splitter.layout;
  tally.acceptUnparsed(splitter.screened);
  opts.onInput?.(
    tally.finish({
      layout: { structure: l.structure, lines: l.lines, exportLines: l.exportLines, empty: splitter.empty },
      sha256: hash.digest('hex'),
      bytes,
      fatal,
    }),
  );
}

function formatBytes(n: number | undefined): string {
  const v = n ?? DEFAULT_MAX_RECORD_BYTES;
  if (v % (1024 * 1024) === 0) return `${v / (1024 * 1024)} MiB`;
  if (v % 1024 === 0) return `${v / 1024} KiB`;
  return `${v} bytes`;
}
