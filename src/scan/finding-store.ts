import type { Finding, FindingList } from '../model/finding';
import type { SpoolDir } from '../util/spool';

/**
 * The findings of one scan in document order, read as often as the reports need. What spilled
 * to disk stays in the spool directory until close(), which the command calls once the reports
 * are written (the directory also goes at exit, should an error skip that).
 */
export class FindingStore implements FindingList {
  constructor(
    private readonly list: FindingList,
    private readonly dir: SpoolDir,
  ) {}

  get length(): number {
    return this.list.length;
  }

  [Symbol.iterator](): Iterator<Finding> {
    return this.list[Symbol.iterator]();
  }

  /** True when some findings live on disk rather than in memory. */
  get spilled(): boolean {
    return this.dir.used;
  }

  close(): void {
    this.dir.close();
  }
}
