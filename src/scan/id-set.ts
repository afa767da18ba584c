/**
 * The finding ids seen so far, exactly, in little memory: an id is 24 hex digits (96 bits of
 * SHA-256, see util/finding-id.ts), kept as three 32-bit words in an open-addressing table
 * filled up to 7/8 before it doubles, so 12 bytes a slot and 14-27 bytes an id, against about 80
 * for a string in a Set. This set is what grows with the number of findings in a scan that
 * otherwise holds one file and a small buffer (docs/performance.md, "Memory"), hence the high
 * fill: the ids are hashes, so linear probing stays short even then. The set is what lets
 * findings be deduplicated as they arrive (first arrival wins) and go straight into their final
 * order, in one pass over the disk instead of two. An all-zero slot is empty; the all-zero id,
 * and any id of another form (none today), goes into a plain Set.
 */
const HEX_ID = /^[0-9a-f]{24}$/;

export class IdSet {
  private table = new Uint32Array(3 * 1024);
  private size = 0;
  private readonly other = new Set<string>();

  /** Adds the id; false when it was there already. */
  add(id: string): boolean {
    if (id.length === 24 && HEX_ID.test(id)) {
      const a = parseInt(id.slice(0, 8), 16) >>> 0;
      const b = parseInt(id.slice(8, 16), 16) >>> 0;
      const c = parseInt(id.slice(16, 24), 16) >>> 0;
      if ((a | b | c) !== 0) {
        if ((this.size + 1) * 8 > (this.table.length / 3) * 7) this.grow();
        return this.insert(a, b, c);
      }
    }
    if (this.other.has(id)) return false;
    this.other.add(id);
    return true;
  }

  private insert(a: number, b: number, c: number): boolean {
    const t = this.table;
    const mask = t.length / 3 - 1;
    // The id is a hash already: its words spread over the table as they are.
    for (let i = (a ^ c) & mask; ; i = (i + 1) & mask) {
      const j = 3 * i;
      const x = t[j];
      const y = t[j + 1];
      const z = t[j + 2];
      if ((x | y | z) === 0) {
        t[j] = a;
        t[j + 1] = b;
        t[j + 2] = c;
        this.size++;
        return true;
      }
      if (x === a && y === b && z === c) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.size = 0;
    for (let j = 0; j < old.length; j += 3) if ((old[j] | old[j + 1] | old[j + 2]) !== 0) this.insert(old[j], old[j + 1], old[j + 2]);
  }
}
