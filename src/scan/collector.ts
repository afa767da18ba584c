import type { Finding } from '../model/finding';

/**
 * Keeps the first finding per id, in arrival order, and counts events seen again (overlapping
 * archives). Memory follows the number of findings, never the number of events read: a set of
 * every event id ever seen would grow with the input.
 */
export class FindingCollector {
  private readonly byId = new Map<string, Finding>();
  private readonly duplicateEvents = new Set<string>();

  add(f: Finding): void {
    if (!this.byId.has(f.id)) {
      this.byId.set(f.id, f);
      return;
    }
    // Count each duplicated event once, however many rules it matched.
    this.duplicateEvents.add(f.subject.kind === 'event' ? (f.subject.eventId ?? f.id) : f.id);
  }

  get size(): number {
    return this.byId.size;
  }

  get duplicates(): number {
    return this.duplicateEvents.size;
  }

  /** Deterministic order: rule-pack order, then event time, then id. */
  sorted(ruleOrder: ReadonlyMap<string, number>): Finding[] {
    return [...this.byId.values()].sort(
      (a, b) =>
        (ruleOrder.get(a.ruleId) ?? 0) - (ruleOrder.get(b.ruleId) ?? 0) ||
        eventTimeOf(a).localeCompare(eventTimeOf(b)) ||
        a.id.localeCompare(b.id),
    );
  }
}

function eventTimeOf(f: Finding): string {
  return f.subject.kind === 'event' ? (f.subject.eventTime ?? '') : '';
}
