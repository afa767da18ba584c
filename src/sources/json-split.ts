/**
 * Streaming splitter: text chunks in, the raw text of each top-level record out, without ever
 * holding more than one record (plus one chunk) in memory. It does not parse records: it finds
 * where each one starts and ends, so a later stage may look at the text before paying for
 * JSON.parse.
 *
 * Accepted layouts (several top-level values may follow each other, as `zcat *.gz` produces):
 * - `{"Records":[...]}` (S3 delivery) and `{"events":[...]}` (FilterLogEvents / GetLogEvents
 *   output): each array element is a record; other keys are scanned past and dropped;
 * - `[...]`: each element is a record;
 * - any other object: the object itself is one record;
 * - JSON lines: one record per line, optionally behind an ISO timestamp and a space (CloudWatch
 *   Logs export tasks). Chosen by the caller (file name) or detected: a one-line object followed
 *   by another value on a later line, or text starting with a timestamp.
 *
 * In a JSON document, the structure around records is checked strictly and any error ends the
 * input; inside a record only nesting and strings are tracked (JSON.parse judges the rest). In
 * JSON lines a bad line is that line's problem only.
 */

import type { RecordScreen } from '../model/record-screen';

export type Container = 'Records' | 'events' | 'array' | 'top' | 'line' | 'export-line';

export interface RawElement {
  /** The record's JSON text; empty when the record was over the size limit. */
  text: string;
  container: Container;
  /** 0-based position among the input's records (array element, object, or non-blank line). */
  index: number;
  /** 1-based line and column (UTF-16 code units) where the record's text starts. */
  line: number;
  column: number;
  /** The ISO time in front of an export-task line. */
  timestamp?: string;
  /** Characters seen when the record exceeded the limit; its text was dropped. */
  oversize?: number;
}

export interface SplitterOptions {
  maxRecordBytes?: number;
  /**
   * Looks at each element of a `{"Records":[...]}` envelope (plain CloudTrail records by
   * definition) before it is emitted: one it screens out is counted in `screened`, not emitted.
   * Every other shape is emitted, since only parsing tells what it wraps.
   */
  screen?: RecordScreen;
  /** The name says JSON lines: split on newlines from the start. */
  lines?: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;

const enum S {
  Top,
  ObjKey, // after '{': a key or '}'
  ObjKeyNext, // after ',': a key
  InKey,
  ObjColon,
  ObjValue,
  ObjSkip,
  ObjAfter,
  ArrFirst, // after '[': an element or ']'
  ArrNext, // after ',': an element
  InElem,
  ArrAfter,
}

/**
 * A run of plain strings (no escapes), numbers and literals, each followed by at most one `:` or
 * `,`. They cannot change the nesting, so skipping them whole is exact (whether they are valid
 * JSON is JSON.parse's to judge, as everywhere in a record); it stops before anything else (a
 * brace, a bracket, whitespace, an escape), which the caller looks at itself. Measured: 1.3 to 2
 * times as fast as a JavaScript loop with one indexOf per string (docs/performance.md).
 */
const STRING_RUN = /(?:(?:"[^"\\]*"|-?[0-9][0-9.eE+-]*|true|false|null)[:,]?)*/y;
const ISO_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)[ \t]+/;

export class JsonSplitter {
  private readonly maxChars: number;
  private readonly maxBytes: number;
  private readonly screen?: RecordScreen;
  private screenedCount = 0;
  private mode: 'doc' | 'lines';
  private buf = '';
  /** Absolute (whole-input) offset of buf[0]. */
  private base = 0;
  /** Absolute offset where scanning resumes. */
  private pos = 0;
  private line = 1;
  /** Absolute offset of the first character of the current line. */
  private lineStart = 0;
  private state = S.Top;
  private out: RawElement[] = [];
  private count = 0;
  private failure?: string;
  private finished = false;
  private sawValue = false;
  private firstStructure?: Container;
  private exportLines = false;

  // The top-level object: a record unless it turns out to be an envelope.
  private objStart = 0;
  private objLine = 0;
  private objCol = 0;
  private objKeep = false;
  private objDropped = false;
  private envelope = false;
  private keyStart = 0;
  private key = '';
  // The array being expanded.
  private container: Container = 'array';
  private arrInObj = false;
  // The element being read.
  private elemStart = 0;
  private elemLine = 0;
  private elemCol = 0;
  private elemDropped = false;
  // Value skipper state.
  private depth = 0;
  private inStr = false;
  private esc = false;
  private scalar = false;
  // Line detection: the last top-level record was on one line.
  private lastTopLine = -1;
  // Lines mode.
  private nlSearchFrom = 0;
  private lineDrop = false;
  private lineDropLine = 0;

  constructor(opts: SplitterOptions = {}) {
    const max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    // Text length in UTF-16 units never exceeds the UTF-8 byte length, so this cut-off never drops
    // a record that fits; records near the limit are measured exactly when complete.
    this.maxChars = max;
    this.maxBytes = max;
    this.mode = opts.lines ? 'lines' : 'doc';
    this.screen = opts.screen;
  }

  /** Records the screen passed over: counted (and numbered) like the others, never emitted. */
  get screened(): number {
    return this.screenedCount;
  }

  /** Why the input could not be split further, naming the place; records before it were emitted. */
  get error(): string | undefined {
    return this.failure;
  }

  /** Whether any non-blank text was seen at all (an empty input is not an error but has no records). */
  get empty(): boolean {
    return !this.sawValue;
  }

  /** How the input was laid out, as far as it was read. */
  get layout(): { structure?: Container; lines: boolean; exportLines: boolean } {
    return { structure: this.firstStructure, lines: this.mode === 'lines', exportLines: this.exportLines };
  }

  push(chunk: string): RawElement[] {
    if (this.failure || this.finished) return [];
    const keep = this.keepFrom();
    this.buf = keep - this.base < this.buf.length ? this.buf.slice(keep - this.base) + chunk : chunk;
    this.base = keep;
    this.screen?.reset(this.buf);
    this.run(false);
    return this.take();
  }

  end(): RawElement[] {
    if (this.failure || this.finished) return this.take();
    this.run(true);
    this.finished = true;
    if (!this.failure && this.mode === 'doc' && this.state !== S.Top) this.truncated();
    this.buf = '';
    return this.take();
  }

  private take(): RawElement[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The earliest absolute offset still needed when the next chunk arrives. */
  private keepFrom(): number {
    let keep = this.pos;
    if (this.mode === 'doc') {
      if (this.state === S.InElem && !this.elemDropped) keep = Math.min(keep, this.elemStart);
      if (this.objKeep) keep = Math.min(keep, this.objStart);
      if (this.state === S.InKey) keep = Math.min(keep, this.keyStart);
    }
    return keep;
  }

  private fail(message: string, at: number): void {
    if (this.failure) return;
    const column = at - this.lineStart + 1;
    this.failure = `invalid JSON at line ${this.line} column ${column}: ${message}`;
  }

  private truncated(): void {
    const end = this.base + this.buf.length;
    const column = end - this.lineStart + 1;
    let what = '';
    if (this.state === S.InElem) what = ` (record ${this.count + 1})`;
    else if (this.state >= S.ArrFirst) what = this.count > 0 ? ` (after record ${this.count})` : ' (before the first record)';
    else if (!this.envelope) what = ` (record ${this.count + 1})`;
    this.failure = `truncated JSON at line ${this.line} column ${column}${what}: the input ends inside ${this.openWhat()}`;
  }

  private openWhat(): string {
    if (this.state === S.InElem || (this.state >= S.ObjKey && this.state <= S.ObjAfter && !this.envelope)) return 'a record';
    if (this.state >= S.ArrFirst) return this.arrInObj ? `the "${this.container}" array` : 'the array';
    return 'the top-level object';
  }

  private describeChar(s: string, i: number): string {
    return i < s.length ? JSON.stringify(s[i]) : 'end of input';
  }

  private skipWs(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) {
        this.line++;
        this.lineStart = this.base + i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) break;
    }
    return i;
  }

  private startValue(s: string, i: number): number {
    const c = s.charCodeAt(i);
    this.inStr = false;
    this.esc = false;
    this.scalar = false;
    this.depth = 0;
    if (c === 123 || c === 91) {
      this.depth = 1;
    } else if (c === 34) {
      this.inStr = true;
    } else {
      this.scalar = true;
      return i;
    }
    return i + 1;
  }

  /**
   * Scan to the end of the value begun by startValue: the index after it, or -1 if the text ran
   * out. The hottest loop of a scan: state lives in locals and is written back only on the way out;
   * runs of plain strings go in one regex step (STRING_RUN), any other string body is jumped over
   * with indexOf (a backslash is looked at only before a quote).
   */
  private skipValue(s: string, i: number, eof: boolean): number {
    const n = s.length;
    if (this.scalar) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c === 44 || c === 93 || c === 125 || c === 32 || c === 10 || c === 13 || c === 9) return i;
      }
      return eof ? n : -1;
    }
    const base = this.base;
    let depth = this.depth;
    let inStr = this.inStr;
    let esc = this.esc;
    let line = this.line;
    let lineStart = this.lineStart;
    let result = -1;
    out: for (;;) {
      if (inStr) {
        let q = s.indexOf('"', i);
        while (q !== -1) {
          let k = q - 1;
          if (k >= i && s.charCodeAt(k) !== 92) break;
          let run = 0;
          while (k >= i && s.charCodeAt(k) === 92) {
            run++;
            k--;
          }
          if (k < i && esc) run++;
          if ((run & 1) === 0) break;
          q = s.indexOf('"', q + 1);
        }
        if (q === -1) {
          // The text ends inside the string: remember whether its next character is escaped.
          let k = n - 1;
          let run = 0;
          while (k >= i && s.charCodeAt(k) === 92) {
            run++;
            k--;
          }
          if (k < i && esc) run++;
          esc = (run & 1) === 1;
          break;
        }
        esc = false;
        inStr = false;
        i = q + 1;
        if (depth === 0) {
          result = i;
          break;
        }
      }
      for (;;) {
        if (i >= n) break out;
        const c = s.charCodeAt(i);
        if (c === 34) {
          // Most of a record is strings joined by `:` and `,`: one native regex step takes a whole
          // run of them. A string it cannot take (an escape inside, or cut off by the end of the
          // text) is left to the careful way below.
          STRING_RUN.lastIndex = i;
          STRING_RUN.test(s);
          if (STRING_RUN.lastIndex > i) {
            i = STRING_RUN.lastIndex;
            continue;
          }
          i++;
          inStr = true;
          break;
        }
        i++;
        if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          if (--depth === 0) {
            result = i;
            break out;
          }
        } else if (c === 10) {
          line++;
          lineStart = base + i;
        }
      }
    }
    this.depth = depth;
    this.inStr = inStr;
    this.esc = esc;
    this.line = line;
    this.lineStart = lineStart;
    return result;
  }

  private emit(el: RawElement): void {
    this.out.push(el);
    this.count++;
  }

  private emitText(text: string, container: Container, line: number, column: number, timestamp?: string): void {
    // Exact byte length only when the text is long enough for it to matter.
    if (text.length * 3 > this.maxBytes && Buffer.byteLength(text, 'utf8') > this.maxBytes) {
      this.emit({ text: '', container, index: this.count, line, column, oversize: text.length, timestamp });
      return;
    }
    this.emit({ text, container, index: this.count, line, column, timestamp });
  }

  private run(eof: boolean): void {
    const s = this.buf;
    const n = s.length;
    let i = this.pos - this.base;
    for (;;) {
      if (this.failure) return;
      if (this.mode === 'lines') {
        i = this.runLines(s, i, eof);
        this.pos = this.base + i;
        return;
      }
      switch (this.state) {
        case S.Top: {
          i = this.skipWs(s, i);
          if (i >= n) {
            this.pos = this.base + i;
            return;
          }
          const c = s.charCodeAt(i);
          this.sawValue = true;
          if (this.lastTopLine >= 0 && this.line > this.lastTopLine) {
            // A one-line record followed by a value on a later line: JSON lines.
            this.mode = 'lines';
            this.nlSearchFrom = this.base + i;
            continue;
          }
          this.lastTopLine = -1;
          if (c === 123) {
            this.objStart = this.base + i;
            this.objLine = this.line;
            this.objCol = i + this.base - this.lineStart + 1;
            this.objKeep = true;
            this.objDropped = false;
            this.envelope = false;
            this.state = S.ObjKey;
            i++;
          } else if (c === 91) {
            this.container = 'array';
            this.arrInObj = false;
            this.firstStructure ??= 'array';
            this.state = S.ArrFirst;
            i++;
          } else if (c >= 48 && c <= 57) {
            // Possibly an export-task line ("2024-01-01T00:00:00.000Z {...}"): decide with enough text.
            if (n - i < 40 && !eof && s.indexOf('\n', i) === -1) {
              this.pos = this.base + i;
              return;
            }
            if (!ISO_PREFIX.test(s.slice(i, i + 48))) {
              this.fail(`expected a JSON object or array, found ${this.describeChar(s, i)}`, this.base + i);
              return;
            }
            this.mode = 'lines';
            this.nlSearchFrom = this.base + i;
          } else {
            this.fail(`expected a JSON object or array, found ${this.describeChar(s, i)}`, this.base + i);
            return;
          }
          break;
        }
        case S.ObjKey:
        case S.ObjKeyNext: {
          i = this.skipWs(s, i);
          if (i >= n) return this.suspend(i);
          const c = s.charCodeAt(i);
          if (c === 34) {
            this.keyStart = this.base + i;
            this.state = S.InKey;
            i++;
          } else if (c === 125 && this.state === S.ObjKey) {
            i = this.closeObj(s, i + 1);
          } else {
            this.fail(`expected an object key, found ${this.describeChar(s, i)}`, this.base + i);
            return;
          }
          break;
        }
        case S.InKey: {
          let q = s.indexOf('"', i);
          while (q !== -1 && isEscaped(s, q)) q = s.indexOf('"', q + 1);
          if (q === -1) {
            if (this.base + n - this.keyStart > this.maxChars) {
              this.fail('object key longer than the record size limit', this.keyStart);
              return;
            }
            return this.suspend(n);
          }
          this.key = s.slice(this.keyStart - this.base + 1, q);
          this.state = S.ObjColon;
          i = q + 1;
          break;
        }
        case S.ObjColon: {
          i = this.skipWs(s, i);
          if (i >= n) return this.suspend(i);
          if (s.charCodeAt(i) !== 58) {
            this.fail(`expected ':' after key "${this.key}", found ${this.describeChar(s, i)}`, this.base + i);
            return;
          }
          this.state = S.ObjValue;
          i++;
          break;
        }
        case S.ObjValue: {
          i = this.skipWs(s, i);
          if (i >= n) return this.suspend(i);
          if (s.charCodeAt(i) === 91 && (this.key === 'Records' || this.key === 'events') && !this.envelope) {
            this.envelope = true;
            this.objKeep = false;
            this.container = this.key;
            this.firstStructure ??= this.key;
            this.arrInObj = true;
            this.state = S.ArrFirst;
            i++;
          } else {
            i = this.startValue(s, i);
            this.state = S.ObjSkip;
          }
          break;
        }
        case S.ObjSkip: {
          const r = this.skipValue(s, i, eof);
          if (r === -1) return this.suspend(n);
          i = r;
          this.state = S.ObjAfter;
          break;
        }
        case S.ObjAfter: {
          i = this.skipWs(s, i);
          if (i >= n) return this.suspend(i);
          const c = s.charCodeAt(i);
          if (c === 44) {
            this.state = S.ObjKeyNext;
            i++;
          } else if (c === 125) {
            i = this.closeObj(s, i + 1);
          } else {
            this.fail(`expected ',' or '}' in the top-level object, found ${this.describeChar(s, i)}`, this.base + i);
            return;
          }
          break;
        }
        case S.ArrFirst:
        case S.ArrNext: {
          i = this.skipWs(s, i);
          if (i >= n) return this.suspend(i);
          if (s.charCodeAt(i) === 93 && this.state === S.ArrFirst) {
            i = this.closeArr(i + 1);
            break;
          }
          this.elemStart = this.base + i;
          this.elemLine = this.line;
          this.elemCol = i + this.base - this.lineStart + 1;
          this.elemDropped = false;
          i = this.startValue(s, i);
          this.state = S.InElem;
          break;
        }
        case S.InElem: {
          const r = this.skipValue(s, i, eof);
          if (r === -1) {
            if (!this.elemDropped && this.base + n - this.elemStart > this.maxChars) this.elemDropped = true;
            return this.suspend(n);
          }
          i = r;
          const start = this.elemStart - this.base;
          if (this.elemDropped) {
            this.emit({ text: '', container: this.container, index: this.count, line: this.elemLine, column: this.elemCol, oversize: this.base + i - this.elemStart });
          } else if (this.screen && this.container === 'Records' && (i - start) * 3 <= this.maxBytes && !this.screen.mayMatch(start, i)) {
            // Far below the size limit whatever its encoding, so it could not have been oversized.
            this.count++;
            this.screenedCount++;
          } else {
            this.emitText(s.slice(this.elemStart - this.base, i), this.container, this.elemLine, this.elemCol);
          }
          this.state = S.ArrAfter;
          break;
        }
        case S.ArrAfter: {
          i = this.skipWs(s, i);
          if (i >= n) return this.suspend(i);
          const c = s.charCodeAt(i);
          if (c === 44) {
            this.state = S.ArrNext;
            i++;
          } else if (c === 93) {
            i = this.closeArr(i + 1);
          } else {
            this.fail(`expected ',' or ']' after record ${this.count}, found ${this.describeChar(s, i)}`, this.base + i);
            return;
          }
          break;
        }
      }
    }
  }

  private suspend(i: number): void {
    this.pos = this.base + i;
    if (this.objKeep && this.pos - this.objStart > this.maxChars) {
      this.objKeep = false;
      this.objDropped = true;
    }
  }

  private closeObj(s: string, i: number): number {
    this.state = S.Top;
    if (this.envelope) return i;
    this.firstStructure ??= 'top';
    if (this.objDropped) {
      this.emit({ text: '', container: 'top', index: this.count, line: this.objLine, column: this.objCol, oversize: this.base + i - this.objStart });
    } else {
      this.emitText(s.slice(this.objStart - this.base, i), 'top', this.objLine, this.objCol);
    }
    this.objKeep = false;
    if (this.line === this.objLine) this.lastTopLine = this.line;
    return i;
  }

  private closeArr(i: number): number {
    this.state = this.arrInObj ? S.ObjAfter : S.Top;
    return i;
  }

  /** JSON lines: each non-blank line is one record. Returns where to resume. */
  private runLines(s: string, i: number, eof: boolean): number {
    const n = s.length;
    for (;;) {
      const from = Math.max(i, this.nlSearchFrom - this.base);
      const nl = from < n ? s.indexOf('\n', from) : -1;
      if (nl === -1) {
        this.nlSearchFrom = this.base + n;
        if (this.lineDrop) {
          if (!eof) return n;
          this.endDroppedLine(n);
          return n;
        }
        if (!eof) {
          if (this.base + n - this.lineStart > this.maxChars) {
            this.lineDrop = true;
            this.lineDropLine = this.line;
            return n;
          }
          return i;
        }
        if (i < n) this.takeLine(s, i, n);
        return n;
      }
      if (this.lineDrop) this.endDroppedLine(nl);
      else this.takeLine(s, i, nl);
      i = nl + 1;
      this.line++;
      this.lineStart = this.base + i;
      this.nlSearchFrom = this.lineStart;
    }
  }

  private endDroppedLine(endRel: number): void {
    this.lineDrop = false;
    this.sawValue = true;
    this.firstStructure ??= 'line';
    this.emit({ text: '', container: 'line', index: this.count, line: this.lineDropLine, column: 1, oversize: this.base + endRel - this.lineStart });
  }

  private takeLine(s: string, a: number, b: number): void {
    if (b > a && s.charCodeAt(b - 1) === 13) b--;
    while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
    if (a >= b) return;
    this.sawValue = true;
    let container: Container = 'line';
    let timestamp: string | undefined;
    const c = s.charCodeAt(a);
    if (c >= 48 && c <= 57) {
      const m = ISO_PREFIX.exec(s.slice(a, Math.min(b, a + 48)));
      if (m) {
        container = 'export-line';
        timestamp = m[1];
        this.exportLines = true;
        a += m[0].length;
      }
    }
    this.firstStructure ??= container;
    const column = this.base + a - this.lineStart + 1;
    if (b - a > this.maxChars) {
      this.emit({ text: '', container, index: this.count, line: this.line, column, oversize: b - a, timestamp });
      return;
    }
    this.emitText(s.slice(a, b), container, this.line, column, timestamp);
  }
}

function isEscaped(s: string, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && s.charCodeAt(k) === 92) k--;
  return (q - 1 - k) % 2 === 1;
}
