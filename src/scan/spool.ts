import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Items a spool keeps in memory before it writes them out as a sorted run. */
export const DEFAULT_MEMORY_LIMIT = 20_000;

// Directories still on disk, removed at exit if nobody closed them (an error thrown past the
// caller's cleanup must not leave a scan's worth of findings in /tmp).
const open = new Set<string>();
process.on('exit', () => {
  for (const p of open) rmSync(p, { recursive: true, force: true });
});

/** One temporary directory for a scan's runs: created on first use, so small scans never touch the disk. */
export class SpoolDir {
  private path: string | undefined;
  private files = 0;

  constructor(private readonly parent = tmpdir()) {}

  newFile(): string {
    if (!this.path) {
      this.path = mkdtempSync(join(this.parent, 'trailproof-spool-'));
      open.add(this.path);
    }
    return join(this.path, `run-${this.files++}.jsonl`);
  }

  get used(): boolean {
    return this.path !== undefined;
  }

  close(): void {
    if (!this.path) return;
    rmSync(this.path, { recursive: true, force: true });
    open.delete(this.path);
    this.path = undefined;
  }
}

/**
 * Items kept in order with bounded memory (an external merge sort). Up to `limit` items wait in
 * memory; a full buffer is sorted and written as one run of JSON lines. Reading merges the runs
 * and the last buffer, and can be done any number of times. Items that compare equal come out in
 * the order they were added: the sort is stable and the merge prefers the earlier run.
 * Items must survive JSON.stringify/JSON.parse unchanged (plain data, as findings are).
 */
export class SortedSpool<T> implements Iterable<T> {
  private buffer: T[] = [];
  private readonly runs: string[] = [];
  private sealed = false;
  private count = 0;

  private readonly dir: SpoolDir;
  private readonly ownDir: boolean;
  private readonly limit: number;

  /** Without a directory the spool makes its own, removed by release(). */
  constructor(
    private readonly compare: (a: T, b: T) => number,
    opts: { dir?: SpoolDir; limit?: number } = {},
  ) {
    this.dir = opts.dir ?? new SpoolDir();
    this.ownDir = opts.dir === undefined;
    this.limit = Math.max(1, opts.limit ?? DEFAULT_MEMORY_LIMIT);
  }

  add(item: T): void {
    if (this.sealed) throw new Error('SortedSpool: add after reading');
    this.buffer.push(item);
    this.count++;
    if (this.buffer.length >= this.limit) this.spill();
  }

  get length(): number {
    return this.count;
  }

  get spilled(): boolean {
    return this.runs.length > 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    if (!this.sealed) {
      this.buffer.sort(this.compare);
      this.sealed = true;
    }
    if (this.runs.length === 0) {
      yield* this.buffer;
      return;
    }
    yield* mergeSorted([...this.runs.map((r) => readRun<T>(r)), this.buffer[Symbol.iterator]()], this.compare);
  }

  /** Drop the items (memory and run files) once they have been read for the last time. */
  release(): void {
    this.buffer = [];
    for (const r of this.runs.splice(0)) rmSync(r, { force: true });
    if (this.ownDir) this.dir.close();
    this.sealed = true;
    this.count = 0;
  }

  private spill(): void {
    this.buffer.sort(this.compare);
    const file = this.dir.newFile();
    const fd = openSync(file, 'w');
    try {
      // A few hundred KB per write: bounded strings, few system calls.
      let chunk = '';
      for (const item of this.buffer) {
        chunk += `${JSON.stringify(item)}\n`;
        if (chunk.length > 1 << 18) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      if (chunk) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    this.runs.push(file);
    this.buffer = [];
  }
}

/** JSON lines of a run, read synchronously in 64 KiB blocks (reports are written after the scan, nothing else waits). */
function* readRun<T>(path: string): Generator<T> {
  const fd = openSync(path, 'r');
  const block = Buffer.allocUnsafe(1 << 16);
  let rest: Buffer | undefined;
  try {
    for (;;) {
      const n = readSync(fd, block, 0, block.length, null);
      if (n === 0) break;
      let start = 0;
      let nl: number;
      // JSON.stringify escapes newlines inside strings, and 0x0a never occurs inside a multi-byte UTF-8 sequence.
      while ((nl = block.indexOf(10, start)) !== -1 && nl < n) {
        const piece = block.subarray(start, nl);
        const line = rest ? Buffer.concat([rest, piece]) : piece;
        rest = undefined;
        yield JSON.parse(line.toString('utf8')) as T;
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
