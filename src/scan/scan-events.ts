import type { LocatedRecord } from '../model/event';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';
import type { EventMatcher } from '../engine/matcher';
import { FastMatcher } from '../engine/fast-matcher';
import { readCloudTrailBatches } from '../sources/cloudtrail-files';
import { eventFinding } from '../findings/event-finding';
import { FindingCollector } from './collector';

export interface EventScanOptions {
  matcher?: EventMatcher;
  maxRecordBytes?: number;
  stdin?: NodeJS.ReadableStream;
  /** Called as each input is finished, for a progress display. */
  onProgress?: (p: ScanProgress) => void;
}

export interface ScanProgress {
  inputs: number;
  events: number;
  findings: number;
  path: string;
}

export interface EventScanResult {
  findings: Finding[];
  inputs: InputRecord[];
  events: number;
  /** The same event (same finding id) read twice, e.g. from overlapping archives. */
  duplicateEventsIgnored: number;
}

/**
 * Every finding of the given inputs in read order, duplicates included: the raw stream that
 * scanEvents (one thread) and the scan workers (many) both collect from.
 */
export async function* eventFindings(
  paths: string[],
  rules: readonly Rule[],
  opts: EventScanOptions & { onInput: (i: InputRecord) => void },
): AsyncGenerator<Finding> {
  const eventRules = rules.filter((r) => r.target === 'event');
  const byId = new Map(eventRules.map((r) => [r.id, r]));
  const matcher = opts.matcher ?? new FastMatcher(eventRules);
  const stream = readCloudTrailBatches(paths, {
    maxRecordBytes: opts.maxRecordBytes,
    stdin: opts.stdin,
    onInput: opts.onInput,
    prefilter: matcher.mayMatchText ? (text) => matcher.mayMatchText!(text) : undefined,
  });
  for await (const batch of stream as AsyncIterable<LocatedRecord[]>) {
    for (const located of batch) {
      // The fast matcher answers synchronously; awaiting it anyway would cost a microtask per record.
      const r = matcher.matches(located.record);
      const ids = Array.isArray(r) ? r : await r;
      for (const id of ids) {
        const rule = byId.get(id);
        if (rule) yield eventFinding(rule, located);
      }
    }
  }
}

export function ruleOrder(rules: readonly Rule[]): Map<string, number> {
  return new Map(rules.filter((r) => r.target === 'event').map((r, i) => [r.id, i]));
}

export function countEvents(inputs: readonly InputRecord[]): number {
  let n = 0;
  for (const i of inputs) n += i.records;
  return n;
}

/**
 * Stream every record through the matcher on this thread. Only matches are kept, so memory follows
 * the number of findings, not the size of the input.
 */
export async function scanEvents(paths: string[], rules: readonly Rule[], opts: EventScanOptions = {}): Promise<EventScanResult> {
  const inputs: InputRecord[] = [];
  const collector = new FindingCollector();
  let events = 0;
  const onInput = (i: InputRecord) => {
    inputs.push(i);
    events += i.records;
    opts.onProgress?.({ inputs: inputs.length, events, findings: collector.size, path: i.path });
  };
  for await (const f of eventFindings(paths, rules, { ...opts, onInput })) collector.add(f);
  // Records the prefilter passed over are never yielded, but every input counts all of its records.
  return { findings: collector.sorted(ruleOrder(rules)), inputs, events: countEvents(inputs), duplicateEventsIgnored: collector.duplicates };
}
