import type { Finding } from '../model/finding';
import { findingCodec } from '../findings/finding-codec';
import type { Rule } from '../model/rule';
import type { SentFinding } from './worker-protocol';
import { FindingTally } from '../findings/summary';
import { IdSet } from './id-set';
import { SortedSpool, SpoolDir } from '../util/spool';

export interface CollectorOptions {
  /** Each event rule's place in the pack: the first part of the findings' order. */
  ruleOrder: ReadonlyMap<string, number>;
  /** The rules findings come from: their texts are left out of spilled findings and put back on reading. */
  rules?: readonly Rule[];
  /**
   * Findings held in memory before they spill to disk as sorted runs (default: the spool's, 2,000).
   * Small on purpose: findings that outlive a couple of young-generation collections are copied
   * into old space and pile up there; a 20,000-finding buffer added about 45 MB to the scan's
   * peak RSS against a 500-finding one (261 vs 216 MB at 1M events). Its effect on speed was
   * within this machine's noise.
   */
  memoryLimit?: number;
  /** Where runs go; the caller closes it when the findings have been read for the last time. */
  dir?: SpoolDir;
}


/** The document order: rule-pack order, then event time, then id. */
type OrderKey = [rule: number, eventTime: string, id: string];

export interface CollectedFindings {
  /** Deduplicated, in the deterministic order (rule-pack order, then event time, then id). */
  findings: SortedSpool<Finding, OrderKey>;
  duplicates: number;
}

/**
 * Keeps the first finding per id, in arrival order, and counts events seen again (overlapping
 * archives). Ids are checked as findings arrive (IdSet: exact, ~24 bytes an id), so the first
 * arrival wins even when a repeated event carries another eventTime, and each kept finding goes
 * straight into the spool that orders it for the reports: memory past the spool's buffer is the id
 * set, and the ids of duplicated events, held to count each once.
 */
export class FindingCollector {
  readonly dir: SpoolDir;
  private readonly seen = new IdSet();
  private readonly duplicateEvents = new Set<string>();
  private readonly ordered: SortedSpool<Finding, OrderKey>;
  private added = 0;
  private readonly order: ReadonlyMap<string, number>;
  /** Counts of the findings kept, for the document's summary without reading them back. */
  readonly tally = new FindingTally();

  constructor(opts: CollectorOptions) {
    this.dir = opts.dir ?? new SpoolDir();
    const order = (this.order = opts.ruleOrder);
    this.ordered = new SortedSpool<Finding, OrderKey>((f) => [order.get(f.ruleId) ?? 0, eventTimeOf(f), f.id], compareOrder, {
      dir: this.dir,
      limit: opts.memoryLimit,
      codec: findingCodec(opts.rules ?? []),
    });
  }

  add(f: Finding): void {
    this.added++;
    if (this.seen.add(f.id)) {
      this.ordered.add(f);
      this.tally.add(f);
      return;
    }
    // Count each duplicated event once, however many rules it matched.
    this.duplicateEvents.add(f.subject.kind === 'event' ? (f.subject.eventId ?? f.id) : f.id);
  }

  /** A finding a worker encoded (worker-protocol.ts): collected exactly as add() would collect it. */
  addSent(f: SentFinding): void {
    this.added++;
    if (this.seen.add(f.id)) {
      this.ordered.addEntry([this.order.get(f.ruleId) ?? 0, f.eventTime, f.id], f.text);
      this.tally.count(f.status, f.severity);
      return;
    }
    this.duplicateEvents.add(f.eventId ?? f.id);
  }

  /** Findings added so far, duplicates included. */
  get size(): number {
    return this.added;
  }

  /** The findings in order; call once, after the last add. */
  finish(): CollectedFindings {
    return { findings: this.ordered, duplicates: this.duplicateEvents.size };
  }
}

/** Code units, not localeCompare: the same order on every machine and locale, and far cheaper. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOrder(a: OrderKey, b: OrderKey): number {
  return a[0] - b[0] || compareText(a[1], b[1]) || compareText(a[2], b[2]);
}

/** The event time a finding is ordered by ('' for other subjects). */
export function eventTimeOf(f: Finding): string {
  return f.subject.kind === 'event' ? (f.subject.eventTime ?? '') : '';
}
