import { appendFileSync, closeSync, openSync, readSync, writeSync } from 'node:fs';
import { SpoolDir } from '../src/scan/spool';

/** Offsets held in memory across all groups before they go to the groups' files (16 bytes each). */
const PENDING_OFFSETS = 1 << 16;

/**
 * JSON texts sorted into numbered groups (one text may belong to several), read back group by
 * group in the order they were added. Each text is written once to one file; a group keeps only
 * the offsets of its members, in memory up to a bound and then in a file of its own. A finding
 * listed under eight controls costs its text once and eight offsets, not eight copies.
 */
export class GroupedTexts {
  private readonly dir = new SpoolDir();
  private readonly fd: number;
  private bytes = 0;
  private chunk = '';
  private longest = 0;
  /** Per group: offset, length, offset, length, ... not yet in the group's file. */
  private readonly pending: number[][];
  private pendingCount = 0;
  private readonly onDisk: boolean[];

  constructor(
    private readonly groups: number,
    private readonly pendingLimit = PENDING_OFFSETS,
  ) {
    this.fd = openSync(this.dir.file('texts.jsonl'), 'w+');
    this.pending = Array.from({ length: groups }, () => []);
    this.onDisk = new Array<boolean>(groups).fill(false);
  }

  add(json: string, groups: readonly number[]): void {
    if (groups.length === 0) return;
    const length = Buffer.byteLength(json);
    for (const g of groups) this.pending[g].push(this.bytes, length);
    this.pendingCount += groups.length;
    this.bytes += length + 1;
    this.longest = Math.max(this.longest, length);
    this.chunk += `${json}\n`;
    if (this.chunk.length > 1 << 16) this.flushText();
    if (this.pendingCount >= this.pendingLimit) this.flushOffsets();
  }

  /** The texts of one group, in the order they were added. */
  *read(group: number): Generator<string> {
    this.flushText();
    const line = Buffer.allocUnsafe(Math.max(1, this.longest));
    const text = (offset: number, length: number): string => {
      readSync(this.fd, line, 0, length, offset);
      return line.toString('utf8', 0, length);
    };
    if (this.onDisk[group]) {
      const fd = openSync(this.groupFile(group), 'r');
      // A whole number of (offset, length) pairs per block.
      const block = Buffer.allocUnsafeSlow(1 << 16);
      try {
        for (;;) {
          const n = readSync(fd, block, 0, block.length, null);
          if (n === 0) break;
          const pairs = new Float64Array(block.buffer, block.byteOffset, n / 8);
          for (let i = 0; i < pairs.length; i += 2) yield text(pairs[i], pairs[i + 1]);
        }
      } finally {
        closeSync(fd);
      }
    }
    const rest = this.pending[group];
    for (let i = 0; i < rest.length; i += 2) yield text(rest[i], rest[i + 1]);
  }

  close(): void {
    closeSync(this.fd);
    this.dir.close();
  }

  private groupFile(group: number): string {
    return this.dir.file(`group-${group}.bin`);
  }

  private flushText(): void {
    if (!this.chunk) return;
    writeSync(this.fd, this.chunk, null, 'utf8');
    this.chunk = '';
  }

  private flushOffsets(): void {
    for (let g = 0; g < this.groups; g++) {
      const p = this.pending[g];
      if (p.length === 0) continue;
      appendFileSync(this.groupFile(g), new Uint8Array(Float64Array.from(p).buffer));
      this.onDisk[g] = true;
      this.pending[g] = [];
    }
    this.pendingCount = 0;
  }
}
