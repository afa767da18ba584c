import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';
import { discoverInputs } from '../sources/discover';
import type { FindingCollector } from './collector';
import { countEvents, type EventScanOptions, type EventScanResult, scanEvents } from './scan-events';
import type { FileJob, FileResult, WorkerSetup } from './worker-protocol';

type Slot = { input: InputRecord } | { result: FileResult } | undefined;

/**
 * The scan over worker threads, one file per job, handed out as workers free up. Results are
 * collected in discovery order, exactly as the one-thread scan collects them, so the output is
 * identical whatever the number of workers or the order in which files finish. A result waits
 * only until the files before it are in: files finish roughly in the order they were handed
 * out, so few results are held at a time.
 */
export async function scanEventsParallel(
  paths: string[],
  rules: readonly Rule[],
  workers: number,
  collector: FindingCollector,
  opts: EventScanOptions = {},
): Promise<EventScanResult> {
  // stdin cannot be shared between threads, and one worker is the one-thread scan with overhead.
  if (workers <= 1 || paths.includes('-') || opts.matcher) return scanEvents(paths, rules, collector, opts);

  const slots: Slot[] = [];
  const jobs: FileJob[] = [];
  for await (const d of discoverInputs(paths)) {
    if (d.type === 'file') jobs.push({ slot: slots.push(undefined) - 1, path: d.path });
    else if (d.type === 'skip') slots.push({ input: { path: d.path, kind: d.kind, status: 'skipped', records: 0, sha256: null, reason: d.reason } });
    else if (d.type === 'error') slots.push({ input: { path: d.path, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: d.reason } });
  }
  if (jobs.length < 2) return scanEvents(paths, rules, collector, opts);
  // By slot, not a search per result: an archive can hold a great many files.
  const pathOf: string[] = [];
  for (const j of jobs) pathOf[j.slot] = j.path;

  const setup: WorkerSetup = { rules: rules.filter((r) => r.target === 'event'), maxRecordBytes: opts.maxRecordBytes };
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(join(__dirname, 'scan-worker.js'), { workerData: setup }));
  let next = 0;
  let done = 0;
  let events = 0;
  let findingsSoFar = 0;
  const inputs: InputRecord[] = [];
  // Slots before this one are collected and released.
  let collected = 0;
  const collectReady = () => {
    for (; collected < slots.length && slots[collected] !== undefined; collected++) {
      const s = slots[collected]!;
      slots[collected] = undefined;
      if ('input' in s) {
        inputs.push(s.input);
        continue;
      }
      const r = s.result;
      if (r.error && r.inputs.length === 0) {
        inputs.push({ path: pathOf[r.slot], kind: 'unknown', status: 'error', records: 0, sha256: null, reason: `scan failed: ${r.error}` });
      }
      inputs.push(...r.inputs);
      for (const f of r.findings as Finding[]) collector.add(f);
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (next < jobs.length) w.postMessage(jobs[next++]);
      };
      for (const w of pool) {
        w.on('message', (r: FileResult) => {
          slots[r.slot] = { result: r };
          for (const i of r.inputs) events += i.records;
          findingsSoFar += r.findings.length;
          done++;
          collectReady();
          opts.onProgress?.({ inputs: done, events, findings: findingsSoFar, path: pathOf[r.slot] });
          if (done === jobs.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  collectReady();
  return { inputs, events: countEvents(inputs) };
}
