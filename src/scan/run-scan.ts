import type { Finding, FindingsView } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { RulePack } from '../model/rule';
import type { LiveOptions } from '../sources/live-aws';
import { buildDocument } from '../findings/document';
import type { EventMatcher } from '../engine/matcher';
import { FindingCollector } from './collector';
import { countEvents, EventJudge, judgeBatches, ruleOrder, type ScanProgress } from './scan-events';
import { eventSourceFor, LOCAL_FILES } from '../sources/event-sources';
import { FindingStore } from './finding-store';
import { SpoolDir } from '../util/spool';
import { concatFindings } from '../findings/list';
import { scanEventsParallel } from './parallel-scan';

export interface ScanRequest {
  pack: RulePack;
  /** Local paths and `-`, plus live sources (`cloudtrail:lookup`, `s3://bucket/prefix`). */
  events: string[];
  /** Terraform JSON (cdk.tf.json, cdktf.out, plan) judged by the posture rules. */
  terraform?: string[];
  /** AWS Config snapshots or items judged by the posture rules. */
  config?: string[];
  /** Read the account live (posture), with the SDK chain's credentials. */
  live?: LiveOptions;
  /** Where and what the live event sources (`cloudtrail:lookup`, `s3://...`) read. */
  liveEvents?: { since?: Date; until?: Date; regions?: string[]; accounts?: string[]; endpoint?: string };
  maxRecordBytes?: number;
  matcher?: EventMatcher;
  stdin?: NodeJS.ReadableStream;
  /** Worker threads for event files (1: this thread only). Output is the same for any number. */
  workers?: number;
  onProgress?: (p: ScanProgress) => void;
  /** Findings held in memory before they spill to a temporary directory (default: 2,000 and at most 1 MiB of their JSON). */
  memoryLimit?: number;
  /** Where the spill directory is made (default: the OS temporary directory). */
  tempDir?: string;
}

/**
 * One scan: every source the request names, assembled into one findings document. Past the
 * memory limit the findings live in a temporary directory until the caller closes the store
 * (`doc.findings.close()`); it is removed on error and at exit in any case.
 */
export async function runScan(req: ScanRequest): Promise<FindingsView<FindingStore>> {
  const startedAt = new Date();
  const collector = new FindingCollector({ ruleOrder: ruleOrder(req.pack.rules), rules: req.pack.rules, memoryLimit: req.memoryLimit, dir: new SpoolDir(req.tempDir) });
  try {
    const inputs: InputRecord[] = [];
    let events = 0;
    const local = req.events.filter((e) => eventSourceFor(e) === LOCAL_FILES);
    const live = req.events.filter((e) => eventSourceFor(e) !== LOCAL_FILES);
    if (local.length > 0) {
      const r = await scanEventsParallel(local, req.pack.rules, req.workers ?? 1, collector, {
        matcher: req.matcher,
        maxRecordBytes: req.maxRecordBytes,
        stdin: req.stdin,
        onProgress: req.onProgress,
      });
      inputs.push(...r.inputs);
      events += r.events;
    }
    if (live.length > 0) {
      const judge = new EventJudge(req.pack.rules, req.matcher);
      // The same collector as the files: an event both archived locally and read live counts once.
      const liveInputs: InputRecord[] = [];
      const w = req.liveEvents ?? {};
      for (const spec of live) {
        const records = eventSourceFor(spec).read([spec], {
          onInput: (i) => liveInputs.push(i),
          maxRecordBytes: req.maxRecordBytes,
          screen: judge.matcher.screen?.(),
          window: { since: w.since, until: w.until },
          regions: w.regions,
          accounts: w.accounts,
          endpoint: w.endpoint,
        });
        for await (const batch of judgeBatches(records, judge)) for (const f of batch) collector.add(f);
      }
      inputs.push(...liveInputs);
      events += countEvents(liveInputs);
    }
    const eventFindings = collector.finish();
    let posture: Finding[] = [];
    if ((req.terraform?.length ?? 0) > 0 || (req.config?.length ?? 0) > 0 || req.live) {
      const { scanPosture } = await import('./scan-posture');
      const r = await scanPosture({ terraform: req.terraform, config: req.config, live: req.live, rules: req.pack.rules });
      inputs.push(...r.inputs);
      posture = r.findings;
    }
    const findings = new FindingStore(concatFindings([eventFindings.findings, posture]), collector.dir);
    // Counted as they were collected: reading spilled findings back just to count them costs a
    // JSON.parse each.
    for (const f of posture) collector.tally.add(f);
    return buildDocument({
      pack: req.pack,
      startedAt,
      finishedAt: new Date(),
      inputs,
      findings,
      events,
      duplicateEventsIgnored: eventFindings.duplicates,
      summary: collector.tally.summary(events, eventFindings.duplicates),
    });
  } catch (err) {
    collector.dir.close();
    throw err;
  }
}
