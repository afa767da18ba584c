/**
 * The finding ids seen so far, exactly, in little memory: an id is 24 hex digits (96 bits of
 * SHA-256, see findings/finding-id.ts), kept as three 32-bit words in an open-addressing table,
 * about 24 bytes an id against about 80 for a string in a Set. The set is what lets findings be
 * deduplicated as they arrive (first arrival wins) and go straight into their final order, in one
 * pass over the disk instead of two. Any other id (none today) goes into a plain Set.
 */
const HEX_ID = /^[0-9a-f]{24}$/;

export class IdSet {
  private table = new Uint32Array(3 * 1024);
  private used = new Uint8Array(1024);
  private size = 0;
  private readonly other = new Set<string>();

  /** Adds the id; false when it was there already. */
  add(id: string): boolean {
    if (id.length !== 24 || !HEX_ID.test(id)) {
      if (this.other.has(id)) return false;
      this.other.add(id);
      return true;
    }
    const a = parseInt(id.slice(0, 8), 16) >>> 0;
    const b = parseInt(id.slice(8, 16), 16) >>> 0;
    const c = parseInt(id.slice(16, 24), 16) >>> 0;
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    return this.insert(a, b, c);
  }

  private insert(a: number, b: number, c: number): boolean {
    const mask = this.used.length - 1;
    // The id is a hash already: its words spread over the table as they are.
    let i = (a ^ c) & mask;
    for (;;) {
      if (this.used[i] === 0) {
        this.used[i] = 1;
        this.table[3 * i] = a;
        this.table[3 * i + 1] = b;
        this.table[3 * i + 2] = c;
        this.size++;
        return true;
      }
      if (this.table[3 * i] === a && this.table[3 * i + 1] === b && this.table[3 * i + 2] === c) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { table, used } = this;
    this.table = new Uint32Array(table.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.insert(table[3 * i], table[3 * i + 1], table[3 * i + 2]);
  }
}
