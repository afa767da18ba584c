import type { LocatedRecord } from '../model/event';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';
import type { EventMatcher } from '../engine/matcher';
import { FastMatcher } from '../engine/fast-matcher';
import { readCloudTrailBatches } from '../sources/cloudtrail-files';
import { eventFinding } from '../findings/event-finding';
import type { FindingCollector } from './collector';

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

/** What an event scan read; its findings went into the caller's collector. */
export interface EventScanResult {
  inputs: InputRecord[];
  events: number;
}

/**
 * From a record to its findings: the matcher's rule ids turned into findings. One place for every
 * event source (files on this thread, scan workers, live sources).
 */
export class EventJudge {
  readonly matcher: EventMatcher;
  private readonly byId: Map<string, Rule>;

  constructor(rules: readonly Rule[], matcher?: EventMatcher) {
    const eventRules = rules.filter((r) => r.target === 'event');
    this.byId = new Map(eventRules.map((r) => [r.id, r]));
    this.matcher = matcher ?? new FastMatcher(eventRules);
  }

  /** Synchronous for a synchronous matcher: awaiting every record would cost a microtask each. */
  judge(located: LocatedRecord): Finding[] | Promise<Finding[]> {
    const r = this.matcher.matches(located.record);
    return Array.isArray(r) ? this.toFindings(r, located) : r.then((ids) => this.toFindings(ids, located));
  }

  private toFindings(ids: string[], located: LocatedRecord): Finding[] {
    const out: Finding[] = [];
    for (const id of ids) {
      const rule = this.byId.get(id);
      if (rule) out.push(eventFinding(rule, located));
    }
    return out;
  }
}

/**
 * Every finding of the given inputs in read order, duplicates included, a batch per batch of
 * records read (an async step per finding would cost more than making it): the raw stream that
 * scanEvents (one thread) and the scan workers (many) both collect from.
 */
export function eventFindings(
  paths: string[],
  judge: EventJudge,
  opts: Omit<EventScanOptions, 'matcher'> & { onInput: (i: InputRecord) => void },
): AsyncGenerator<Finding[]> {
  const stream = readCloudTrailBatches(paths, {
    maxRecordBytes: opts.maxRecordBytes,
    stdin: opts.stdin,
    onInput: opts.onInput,
    screen: judge.matcher.screen?.(),
  });
  return judgeBatches(stream, judge);
}

/**
 * The findings of any event source's record batches (see EventSource), a batch of findings per
 * batch of records. A source that reads through the file reader should be given the judge's
 * screen (`judge.matcher.screen?.()`), so records no rule can match are counted, not parsed.
 */
export async function* judgeBatches(stream: AsyncIterable<LocatedRecord[]>, judge: EventJudge): AsyncGenerator<Finding[]> {
  for await (const batch of stream) {
    const out: Finding[] = [];
    for (const located of batch) {
      const r = judge.judge(located);
      for (const f of Array.isArray(r) ? r : await r) out.push(f);
    }
    if (out.length > 0) yield out;
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
 * Stream every record through the matcher on this thread into the caller's collector, which
 * deduplicates, orders and spills to disk past its memory limit: memory stays bounded whatever
 * the size of the input or the number of findings.
 */
export async function scanEvents(paths: string[], rules: readonly Rule[], collector: FindingCollector, opts: EventScanOptions = {}): Promise<EventScanResult> {
  const inputs: InputRecord[] = [];
  let events = 0;
  const onInput = (i: InputRecord) => {
    inputs.push(i);
    events += i.records;
    opts.onProgress?.({ inputs: inputs.length, events, findings: collector.size, path: i.path });
  };
  for await (const batch of eventFindings(paths, new EventJudge(rules, opts.matcher), { ...opts, onInput })) for (const f of batch) collector.add(f);
  // Records the prefilter passed over are never yielded, but every input counts all of its records.
  return { inputs, events: countEvents(inputs) };
}
