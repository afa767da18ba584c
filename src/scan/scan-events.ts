import type { LocatedRecord } from '../model/event';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';
import { readCloudTrail } from '../sources/cloudtrail-files';
import { eventFinding } from '../findings/event-finding';
import type { EventMatcher } from '../engine/matcher';
import { FastMatcher } from '../engine/fast-matcher';

export interface EventScanOptions {
  matcher?: EventMatcher;
  maxRecordBytes?: number;
  stdin?: NodeJS.ReadableStream;
  /** Called every few thousand records, for a progress display. */
  onProgress?: (p: { events: number; findings: number; path: string }) => void;
}

export interface EventScanResult {
  findings: Finding[];
  inputs: InputRecord[];
  events: number;
  /** The same event (same finding id) read twice, e.g. from overlapping archives. */
  duplicateEventsIgnored: number;
}

/**
 * Stream every record through the matcher. Only matches are kept, so memory follows the number of
 * findings, not the size of the input; duplicates are recognised by finding id for the same reason
 * (a set of every event id ever seen would grow with the input).
 */
export async function scanEvents(paths: string[], rules: readonly Rule[], opts: EventScanOptions = {}): Promise<EventScanResult> {
  const eventRules = rules.filter((r) => r.target === 'event');
  const byId = new Map(eventRules.map((r) => [r.id, r]));
  const matcher = opts.matcher ?? new FastMatcher(eventRules);
  const inputs: InputRecord[] = [];
  const findings = new Map<string, Finding>();
  let duplicates = 0;
  const duplicateEvents = new Set<string>();
  const stream = readCloudTrail(paths, {
    maxRecordBytes: opts.maxRecordBytes,
    stdin: opts.stdin,
    onInput: (i) => inputs.push(i),
    prefilter: matcher.mayMatchText ? (text) => matcher.mayMatchText!(text) : undefined,
  });
  let yielded = 0;
  for await (const located of stream as AsyncIterable<LocatedRecord>) {
    yielded++;
    const ids = await matcher.matches(located.record);
    for (const id of ids) {
      const rule = byId.get(id);
      if (!rule) continue;
      const f = eventFinding(rule, located);
      if (findings.has(f.id)) {
        // Count each duplicated event once, however many rules it matched.
        const key = f.subject.kind === 'event' ? (f.subject.eventId ?? f.id) : f.id;
        if (!duplicateEvents.has(key)) {
          duplicateEvents.add(key);
          duplicates++;
        }
        continue;
      }
      findings.set(f.id, f);
    }
    if (opts.onProgress && yielded % 5000 === 0) {
      opts.onProgress({ events: countEvents(inputs), findings: findings.size, path: located.location.path });
    }
  }
  // Records the prefilter passed over are never yielded, but every input counts all of its records.
  const events = countEvents(inputs);
  const order = new Map(eventRules.map((r, i) => [r.id, i]));
  const sorted = [...findings.values()].sort(
    (a, b) =>
      (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0) ||
      eventTimeOf(a).localeCompare(eventTimeOf(b)) ||
      a.id.localeCompare(b.id),
  );
  return { findings: sorted, inputs, events, duplicateEventsIgnored: duplicates };
}

function countEvents(inputs: readonly InputRecord[]): number {
  let n = 0;
  for (const i of inputs) n += i.records;
  return n;
}

function eventTimeOf(f: Finding): string {
  return f.subject.kind === 'event' ? (f.subject.eventTime ?? '') : '';
}
