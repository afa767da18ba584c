import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Items a spool keeps in memory before it writes them out as a sorted run (at most BUFFER_BYTES of them). */
const DEFAULT_MEMORY_LIMIT = 2_000;
/**
 * JSON text a spool keeps in memory before it writes a run, whatever the item count. Small on
 * purpose: a buffer that fills within one young-generation cycle dies young, while one that
 * outlives it is promoted and piles up as old-space garbage between full collections. Measured
 * at 1M events (90k findings, ~1.7 KB each): buffers of 500 findings add nothing to the scan's
 * peak RSS, 1,000 add ~20 MB and 10,000 ~80 MB, with no gain in speed.
 */
const BUFFER_BYTES = 1 << 20;
/** Runs merged at once (open files, read buffers): FAN_IN runs of one level become one of the next. */
const FAN_IN = 64;

// Directories still on disk, removed at exit if nobody closed them (an error thrown past the
// caller's cleanup must not leave a scan's worth of findings in /tmp), and on Ctrl-C or kill.
const open = new Set<string>();
function removeOpen(): void {
  for (const p of open) rmSync(p, { recursive: true, force: true });
  open.clear();
}
process.on('exit', removeOpen);
/** Only while a directory exists: then the default action (terminate) is taken again by re-raising. */
function onSignal(signal: NodeJS.Signals): void {
  removeOpen();
  unwatchSignals();
  process.kill(process.pid, signal);
}
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Set while synchronous work (report writing) runs: a JS handler would wait for it to end. */
let immediate = false;
let watching = false;
function watchSignals(): void {
  if (!watching && !immediate && open.size > 0) {
    for (const s of SIGNALS) process.on(s, onSignal);
    watching = true;
  }
}
function unwatchSignals(): void {
  if (watching && (immediate || open.size === 0)) {
    for (const s of SIGNALS) process.off(s, onSignal);
    watching = false;
  }
}

/**
 * Run synchronous work with Ctrl-C and kill taking effect at once: a signal handler in JavaScript
 * only runs when the event loop turns, which a report being written does not let it do, so the
 * handler is set aside for the duration and the default action (terminate) applies. What it would
 * have removed is removed by the next run instead (sweepStale), and a report interrupted so is
 * still named `.partial`.
 */
export function withImmediateSignals<T>(work: () => T): T {
  immediate = true;
  unwatchSignals();
  try {
    return work();
  } finally {
    immediate = false;
    watchSignals();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const swept = new Set<string>();
/** Spool directories of trailproof processes that no longer run (killed during their reports), once per parent directory. */
function sweepStale(parent: string): void {
  if (swept.has(parent)) return;
  swept.add(parent);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^trailproof-spool-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
    } catch {
      // Another user's leftovers (force ignores only a missing path): theirs to sweep, never a reason to fail this scan.
    }
  }
}

/** One temporary directory for a scan's runs: created on first use, so small scans never touch the disk. */
export class SpoolDir {
  private path: string | undefined;
  private files = 0;

  constructor(private readonly parent = tmpdir()) {
    sweepStale(parent);
  }

  newFile(): string {
    return this.file(`run-${this.files++}.jsonl`);
  }

  /** A file of the given name in the directory (made on first use). */
  file(name: string): string {
    if (!this.path) {
      // The pid in the name lets a later run remove what a killed one left.
      this.path = mkdtempSync(join(this.parent, `trailproof-spool-${process.pid}-`));
      open.add(this.path);
      watchSignals();
    }
    return join(this.path, name);
  }

  get used(): boolean {
    return this.path !== undefined;
  }

  close(): void {
    if (!this.path) return;
    rmSync(this.path, { recursive: true, force: true });
    open.delete(this.path);
    unwatchSignals();
    this.path = undefined;
  }
}

export interface SpoolCodec<T> {
  encode(item: T): string;
  decode(text: string): T;
}

/** An item waiting in a spool: its sort key, and the item as one line of JSON. */
export type SpoolEntry<K> = [key: K, json: string];
/** In memory an item may still be the object it was added as: it is turned into JSON only if it spills. */
type Held<K, T> = [key: K, item: T | string];

/**
 * Items kept in order with bounded memory (an external merge sort). Up to `limit` items wait in
 * memory, as added: objects added with add() stay objects (JSON.stringify costs several
 * microseconds a finding, so a scan whose findings never spill never pays it), text added with
 * addEntry() stays text. A full buffer is sorted and written as one run, a line per item
 * (`key<TAB>json`, the key as JSON so it never holds a raw tab). Reading merges the runs and can be
 * done any number of times; items on disk are parsed only then. Items that compare equal come out
 * in the order they were added: the sort is stable and the merge prefers the earlier run. Items
 * must survive JSON.stringify/JSON.parse unchanged (plain data, as findings are), and readers must
 * not change the objects they are given (mapFindings makes new ones).
 */
export class SortedSpool<T, K = unknown> implements Iterable<T> {
  private buffer: Held<K, T>[] = [];
  /** Sorted runs in arrival order; a run of level n holds FAN_IN^n buffers' worth. */
  private readonly runs: { file: string; level: number }[] = [];
  private sealed = false;
  private count = 0;
  private bufferBytes = 0;

  private readonly dir: SpoolDir;
  private readonly ownDir: boolean;
  private readonly limit: number;
  private readonly compareEntries: (a: Held<K, T> | SpoolEntry<K>, b: Held<K, T> | SpoolEntry<K>) => number;
  /**
   * How an item becomes its line on disk and back (default JSON). A codec's text need not be JSON
   * (findings are written compactly, finding-codec.ts), but decode(encode(x)) must be x as JSON
   * would give it back; its decode must also take plain JSON text, which addEntry may be given.
   */
  private readonly codec: SpoolCodec<T> | undefined;
  private readonly serialize: (item: T) => string;
  private readonly deserialize: (text: string) => T;

  /**
   * Without a directory the spool makes its own, removed by release(). It holds `limit` items
   * (default DEFAULT_MEMORY_LIMIT), and at most BUFFER_BYTES of them once they are text.
   */
  constructor(
    private readonly keyOf: (item: T) => K,
    compare: (a: K, b: K) => number,
    opts: { dir?: SpoolDir; limit?: number; codec?: SpoolCodec<T> } = {},
  ) {
    this.codec = opts.codec;
    this.serialize = opts.codec ? opts.codec.encode : (item) => JSON.stringify(item);
    this.deserialize = opts.codec ? opts.codec.decode : (text) => JSON.parse(text) as T;
    this.dir = opts.dir ?? new SpoolDir();
    this.ownDir = opts.dir === undefined;
    this.limit = Math.max(1, opts.limit ?? DEFAULT_MEMORY_LIMIT);
    this.compareEntries = (a, b) => compare(a[0], b[0]);
  }

  add(item: T): void {
    // A spool that has spilled once will spill again: its items are made text now, held at a
    // fraction of the object's size and capped in bytes, so the buffer dies young (BUFFER_BYTES).
    // Before that they stay objects: a spool that never spills never pays JSON.stringify.
    if (this.runs.length > 0) return this.addEntry(this.keyOf(item), this.serialize(item));
    if (this.sealed) throw new Error('SortedSpool: add after reading');
    this.buffer.push([this.keyOf(item), item]);
    this.count++;
    if (this.buffer.length >= this.limit) this.spill();
  }

  /** An item already in JSON (from another spool's entries): moved without being parsed. */
  addEntry(key: K, json: string): void {
    if (this.sealed) throw new Error('SortedSpool: add after reading');
    // One text added under several keys (a finding under each of its controls) is held once.
    if (this.buffer.length === 0 || this.buffer[this.buffer.length - 1][1] !== json) this.bufferBytes += json.length;
    this.buffer.push([key, json]);
    this.count++;
    if (this.buffer.length >= this.limit || this.bufferBytes >= BUFFER_BYTES) this.spill();
  }

  get length(): number {
    return this.count;
  }

  get spilled(): boolean {
    return this.runs.length > 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const [, item] of this.held()) yield typeof item === 'string' ? this.deserialize(item) : item;
  }

  /** Keys and JSON text in order, without parsing the items. */
  *entries(): Generator<SpoolEntry<K>> {
    for (const [key, item] of this.held()) {
      const json = typeof item === 'string' ? (this.codec ? JSON.stringify(this.deserialize(item)) : item) : JSON.stringify(item);
      yield [key, json];
    }
  }

  /** Keys and items in order, each as it is held: an object from memory, text from disk. */
  private *held(): Generator<Held<K, T>> {
    if (!this.sealed) {
      this.sealed = true;
      // Once anything is on disk, the rest goes there too: a store read many times over (every
      // report) should not hold a buffer's worth of items all along.
      if (this.runs.length > 0 && this.buffer.length > 0) this.spill();
      else this.buffer.sort(this.compareEntries);
      // Levels can leave up to FAN_IN - 1 runs each: merge the oldest until one merge reads them all.
      while (this.runs.length > FAN_IN) this.merge(0, FAN_IN);
    }
    if (this.runs.length === 0) {
      yield* this.buffer;
      return;
    }
    if (this.runs.length === 1) {
      yield* readRun<K>(this.runs[0].file);
      return;
    }
    yield* mergeSorted(this.runs.map((r) => readRun<K>(r.file)), this.compareEntries);
  }

  /** Drop the items (memory and run files) once they have been read for the last time. */
  release(): void {
    this.buffer = [];
    this.bufferBytes = 0;
    for (const r of this.runs.splice(0)) rmSync(r.file, { force: true });
    if (this.ownDir) this.dir.close();
    this.sealed = true;
    this.count = 0;
  }

  private spill(): void {
    this.buffer.sort(this.compareEntries);
    const file = this.dir.newFile();
    writeRun(file, this.buffer, this.serialize);
    this.runs.push({ file, level: 0 });
    this.buffer = [];
    this.bufferBytes = 0;
    // FAN_IN runs of one level at the tail become one run of the next (each item is rewritten
    // once per level, log base FAN_IN of the number of buffers, never once per merge).
    for (;;) {
      const n = this.runs.length;
      const level = this.runs[n - 1].level;
      if (n < FAN_IN || this.runs[n - FAN_IN].level !== level) break;
      this.merge(n - FAN_IN, FAN_IN);
    }
  }

  /**
   * Replace `count` adjacent runs by their merge, in their place: runs stay in arrival order, so
   * equal items still come out first-added first.
   */
  private merge(from: number, count: number): void {
    const group = this.runs.slice(from, from + count);
    const file = this.dir.newFile();
    writeRun(file, mergeSorted(group.map((r) => readRun<K>(r.file)), this.compareEntries), this.serialize);
    for (const r of group) rmSync(r.file, { force: true });
    this.runs.splice(from, count, { file, level: Math.max(...group.map((r) => r.level)) + 1 });
  }
}

function writeRun<K, T>(file: string, entries: Iterable<Held<K, T>>, serialize: (item: T) => string): void {
  const fd = openSync(file, 'w');
  try {
    // 64 KiB per write: few system calls, and strings small enough to stay out of large-object space.
    let chunk = '';
    for (const [key, item] of entries) {
      chunk += `${JSON.stringify(key)}\t${typeof item === 'string' ? item : serialize(item)}\n`;
      if (chunk.length > 1 << 16) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Entries of a run, read synchronously in 64 KiB blocks (reports are written after the scan, nothing else waits). */
function* readRun<K>(path: string): Generator<SpoolEntry<K>> {
  const fd = openSync(path, 'r');
  const block = Buffer.allocUnsafe(1 << 16);
  let rest: Buffer | undefined;
  const entry = (line: string): SpoolEntry<K> => {
    const tab = line.indexOf('\t');
    return [JSON.parse(line.slice(0, tab)) as K, line.slice(tab + 1)];
  };
  try {
    for (;;) {
      const n = readSync(fd, block, 0, block.length, null);
      if (n === 0) break;
      let start = 0;
      let nl: number;
      // JSON text escapes newlines inside strings, and 0x0a never occurs inside a multi-byte UTF-8 sequence.
      while ((nl = block.indexOf(10, start)) !== -1 && nl < n) {
        const piece = block.subarray(start, nl);
        const line = rest ? Buffer.concat([rest, piece]) : piece;
        rest = undefined;
        yield entry(line.toString('utf8'));
        start = nl + 1;
      }
      if (start < n) rest = rest ? Buffer.concat([rest, block.subarray(start, n)]) : Buffer.from(block.subarray(start, n));
    }
    if (rest && rest.length > 0) throw new Error(`spool run ${path} ends in the middle of a line`);
  } finally {
    closeSync(fd);
  }
}

interface Head<T> {
  item: T;
  source: number;
  it: Iterator<T>;
}

/** k-way merge over a binary heap; equal items come from the lower-numbered source first. */
function* mergeSorted<T>(sources: Iterator<T>[], compare: (a: T, b: T) => number): Generator<T> {
  const less = (a: Head<T>, b: Head<T>) => {
    const c = compare(a.item, b.item);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const heap: Head<T>[] = [];
  const push = (h: Head<T>) => {
    heap.push(h);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const siftDown = () => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  try {
    sources.forEach((it, source) => {
      const first = it.next();
      if (!first.done) push({ item: first.value, source, it });
    });
    while (heap.length > 0) {
      const top = heap[0];
      yield top.item;
      const next = top.it.next();
      if (next.done) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      } else {
        top.item = next.value;
      }
      siftDown();
    }
  } finally {
    // A reader that stops early must not leave run files open.
    for (const it of sources) it.return?.();
  }
}
