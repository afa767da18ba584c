import { CoverageTally } from '../src/findings/coverage';
import type { Finding, FindingList } from '../src/model/finding';
import type { FindingCounts, FindingsTally } from '../src/model/report-writer';
import { isBlocking, isBrokenChain } from '../src/findings/verdict';
import type { FailOn } from '../src/model/severity';
import { compareFindings } from './view';

/** Failing findings the terminal names with their location, worst first (the rest are counted). */
export const LISTED_FAILING = 10;

function emptyCounts(): FindingCounts {
  return { failing: 0, muted: 0, undecided: 0, bySeverity: new Map(), byRule: new Map(), firstFailing: [] };
}

/** The failing findings to name, in report order. */
export function listedFailing(c: FindingCounts): Finding[] {
  c.firstFailing.sort(compareFindings);
  c.firstFailing.length = Math.min(c.firstFailing.length, LISTED_FAILING);
  return c.firstFailing;
}

function countFinding(c: FindingCounts, f: Finding): void {
  if (f.status === 'fail') {
    c.failing++;
    c.bySeverity.set(f.severity, (c.bySeverity.get(f.severity) ?? 0) + 1);
    c.byRule.set(f.ruleId, (c.byRule.get(f.ruleId) ?? 0) + 1);
    c.firstFailing.push(f);
    if (c.firstFailing.length >= 2 * LISTED_FAILING) listedFailing(c);
  } else if (f.status === 'muted') c.muted++;
  else if (f.status === 'manual' || f.status === 'error') c.undecided++;
}

/**
 * Everything after the scan needs of the findings besides the findings themselves: control
 * coverage, the verdict's blocking count and the terminal summary's counts, filled by one pass.
 * A scan's findings are read back from disk and decoded on every pass; findings.json reads them
 * all anyway, so the tally rides along on that pass (tap()) instead of three passes of its own.
 */
export class ReportTally implements FindingsTally {
  coverage = new CoverageTally();
  counts = emptyCounts();
  blocking = 0;
  /** Among the blocking findings, the failing monitoring chains (they block at any severity). */
  brokenChains = 0;
  private state: 'empty' | 'filling' | 'complete' = 'empty';

  constructor(
    private readonly failOn: FailOn,
    private readonly newOnly: boolean,
    /** Rules whose failing findings block whatever failOn says (see gateChains). */
    private readonly chainRules: ReadonlySet<string> = new Set(),
  ) {}

  add(f: Finding): void {
    this.coverage.add(f);
    countFinding(this.counts, f);
    if (this.failOn === 'none') return;
    const chain = isBrokenChain(f, this.chainRules, this.newOnly);
    if (chain) this.brokenChains++;
    if (chain || isBlocking(f, this.failOn, this.newOnly)) this.blocking++;
  }

  get complete(): boolean {
    return this.state === 'complete';
  }

  /**
   * The same list, filling the tally the first time it is read to the end. A read that stops
   * early (an error) leaves the tally to be filled again from the start by the next read or by
   * fill(); reads after a complete one only read.
   */
  tap(list: FindingList): FindingList {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tally = this;
    return {
      get length() {
        return list.length;
      },
      *[Symbol.iterator]() {
        if (tally.state !== 'empty') {
          yield* list;
          return;
        }
        tally.state = 'filling';
        let done = false;
        try {
          for (const f of list) {
            tally.add(f);
            yield f;
          }
          done = true;
        } finally {
          if (done) tally.state = 'complete';
          else tally.reset();
        }
      },
    };
  }

  /** Read the list for the tally unless a tapped read already did. */
  fill(list: FindingList): this {
    if (this.state === 'complete') return this;
    this.reset();
    for (const f of list) this.add(f);
    this.state = 'complete';
    return this;
  }

  private reset(): void {
    this.coverage = new CoverageTally();
    this.counts = emptyCounts();
    this.blocking = 0;
    this.brokenChains = 0;
    this.state = 'empty';
  }
}
