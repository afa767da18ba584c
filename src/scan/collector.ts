import type { Finding } from '../model/finding';
import { SortedSpool, SpoolDir } from './spool';

export interface CollectorOptions {
  /** Findings held in memory before they spill to disk as sorted runs (default: 2,000 and at most 1 MiB of their JSON). */
  memoryLimit?: number;
  /** Where runs go; the caller closes it when the findings have been read for the last time. */
  dir?: SpoolDir;
}

/** How findings arrive: sorted by id only; rule and event time ride along for the second sort. */
type ArrivalKey = [id: string, ruleId: string, eventTime: string];
/** The document order: rule-pack order, then event time, then id. */
type OrderKey = [rule: number, eventTime: string, id: string];

export interface CollectedFindings {
  /** Deduplicated, in the deterministic order (rule-pack order, then event time, then id). */
  findings: SortedSpool<Finding, OrderKey>;
  duplicates: number;
}

/**
 * Keeps the first finding per id, in arrival order, and counts events seen again (overlapping
 * archives). Memory is bounded whatever the number of findings: they are sorted by id on disk
 * (ties keep arrival order, so the first arrival wins even when a repeated event carries another
 * eventTime), deduplicated while the runs are merged, then sorted again into the report order;
 * both sorts move the findings' JSON text without parsing it. Only the ids of duplicated events
 * are held, to count each once.
 */
export class FindingCollector {
  readonly dir: SpoolDir;
  private readonly limit: number | undefined;
  private readonly byId: SortedSpool<Finding, ArrivalKey>;

  constructor(opts: CollectorOptions = {}) {
    this.dir = opts.dir ?? new SpoolDir();
    this.limit = opts.memoryLimit;
    this.byId = new SortedSpool<Finding, ArrivalKey>((f) => [f.id, f.ruleId, eventTimeOf(f)], (a, b) => compareIds(a[0], b[0]), {
      dir: this.dir,
      limit: this.limit,
    });
  }

  add(f: Finding): void {
    this.byId.add(f);
  }

  /** Findings added so far, duplicates included (they are only told apart at the end). */
  get size(): number {
    return this.byId.length;
  }

  /** Deduplicate and order; call once, after the last add. */
  finish(ruleOrder: ReadonlyMap<string, number>): CollectedFindings {
    const ordered = new SortedSpool<Finding, OrderKey>(
      (f) => [ruleOrder.get(f.ruleId) ?? 0, eventTimeOf(f), f.id],
      (a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]),
      { dir: this.dir, limit: this.limit },
    );
    const duplicateEvents = new Set<string>();
    let last: string | undefined;
    for (const [[id, ruleId, eventTime], json] of this.byId.entries()) {
      if (id !== last) {
        ordered.addEntry([ruleOrder.get(ruleId) ?? 0, eventTime, id], json);
        last = id;
        continue;
      }
      // Count each duplicated event once, however many rules it matched (duplicates are rare: parse only them).
      const f = JSON.parse(json) as Finding;
      duplicateEvents.add(f.subject.kind === 'event' ? (f.subject.eventId ?? f.id) : f.id);
    }
    this.byId.release();
    return { findings: ordered, duplicates: duplicateEvents.size };
  }
}

/** Code-unit order: only equality matters for deduplication, and it is cheaper than localeCompare. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function eventTimeOf(f: Finding): string {
  return f.subject.kind === 'event' ? (f.subject.eventTime ?? '') : '';
}
