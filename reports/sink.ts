import { closeSync, openSync, writeSync } from 'node:fs';
import type { TextSink } from '../src/model/report-writer';
import { prettyJson } from './pretty-json';

/** Text into a file in blocks of about 256 KiB (few system calls, bounded memory). */
export class FileSink implements TextSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 18) this.flush();
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/** The whole text in memory, for small documents and tests. */
export function collectText(fill: (out: TextSink) => void): string {
  const parts: string[] = [];
  fill({ write: (s) => parts.push(s) });
  return parts.join('');
}

/**
 * `JSON.stringify(shell, null, 2)` with the empty array under `key` (an object key `depth` levels
 * down) filled from `items` as they are read: byte for byte what stringify gives for the whole
 * value, without the whole value. The key must be unique at that depth (findings, results).
 */
export function writeJsonFilling(shell: unknown, key: string, depth: number, items: Iterable<unknown>, out: TextSink): void {
  const text = JSON.stringify(shell, null, 2);
  const indent = '  '.repeat(depth);
  const marker = `\n${indent}${JSON.stringify(key)}: []`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`writeJsonFilling: no empty "${key}" array at depth ${depth}`);
  out.write(text.slice(0, at + marker.length - 1));
  const inner = `${indent}  `;
  let first = true;
  for (const item of items) {
    out.write(`${first ? '' : ','}\n${inner}${prettyJson(item, inner) ?? 'null'}`);
    first = false;
  }
  out.write(first ? ']' : `\n${indent}]`);
  out.write(text.slice(at + marker.length));
}
