import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';
import { discoverInputs } from '../sources/discover';
import type { FindingCollector } from './collector';
import { countEvents, EventJudge, type EventScanOptions, type EventScanResult, scanEvents } from './scan-events';
import { scanFile } from './scan-file';
import { cachedBundle } from './worker-bundle';
import type { FileJob, FileResult, WorkerSetup } from './worker-protocol';
import { REPO_ROOT } from '../version';

type Slot = { input: InputRecord } | { result: FileResult } | undefined;

/**
 * What the main thread does beside the workers: `scans` all along, with threads - 1 workers;
 * `starts`, scanning only until the first of `threads` workers delivers, then collects; or only
 * `collects`, with `threads` workers from the start.
 */
export type MainThreadRole = 'scans' | 'starts' | 'collects';

export interface ParallelOptions {
  /** Default: `scans` below MAIN_SCANS_BELOW_FILES files, `starts` from there on. */
  mainThread?: MainThreadRole;
  /**
   * What workers run: `bundled` (default), the worker code as one cached JavaScript file
   * (worker-bundle.ts), or `sources`, the TypeScript through tsx, which is also the fallback when
   * no bundle can be had.
   */
  workerCode?: 'bundled' | 'sources';
}

const WORKER_SOURCES = join(__dirname, 'scan-worker.js');

function workerScript(code: ParallelOptions['workerCode']): string {
  if (code === 'sources') return WORKER_SOURCES;
  const bundle = cachedBundle({ entry: join(__dirname, 'scan-worker-main.ts'), cacheDir: join(REPO_ROOT, 'node_modules', '.cache', 'trailproof'), name: 'scan-worker' });
  return bundle ?? WORKER_SOURCES;
}

export interface ParallelScanResult extends EventScanResult {
  /** Files the worker threads scanned (the rest, the main thread). */
  workerFiles: number;
}

/**
 * Files handed to a worker ahead, so it does not run dry while the main thread is inside a file
 * of its own (it tops the queues up only between its files). At 1M events on two cores, five
 * interleaved runs took 5.07-5.58 s with four against 5.33-5.77 s with two; at 200k, even.
 */
const WORKER_QUEUE = 4;

/**
 * Every worker costs a start and a JIT warm-up of its own (its first files run at about half
 * speed), which a scanning main thread saves once; over many files that is paid back by a main
 * thread free to collect. Measured on two cores (interleaved pairs), with workers started through
 * tsx (0.1-0.2 s each): at 100 files (200,000 events) the scanning main thread took 1.52-1.71 s
 * against 1.75-1.99 s; at 500 the two were even; at 2,500 the collecting one took a median 24.6 s
 * against 26.5 s (seven pairs). Three points, so the line is drawn where they were even. With
 * workers started from the bundle (50-65 ms), four pairs at 100 files were even; the line was
 * left where it was.
 */
const MAIN_SCANS_BELOW_FILES = 500;

/**
 * The scan over `threads` threads, one file per job: this one and workers, the main thread's role
 * chosen by the number of files (MainThreadRole, MAIN_SCANS_BELOW_FILES). A scanning main thread
 * takes in the workers' results between its own files. Results are collected in discovery order,
 * exactly as the one-thread scan collects them, so the output is identical whatever the number
 * of threads, the main thread's role, or the order in which files finish. A result waits only
 * until the files before it are in: files finish roughly in the order they were handed out, so
 * few results are held at a time.
 */
export async function scanEventsParallel(
  paths: string[],
  rules: readonly Rule[],
  threads: number,
  collector: FindingCollector,
  opts: EventScanOptions = {},
  how: ParallelOptions = {},
): Promise<ParallelScanResult> {
  // stdin cannot be shared between threads, and a custom matcher cannot be sent to one.
  if (threads <= 1 || paths.includes('-') || opts.matcher) return { ...(await scanEvents(paths, rules, collector, opts)), workerFiles: 0 };

  const slots: Slot[] = [];
  const jobs: FileJob[] = [];
  for await (const d of discoverInputs(paths)) {
    if (d.type === 'file') jobs.push({ slot: slots.push(undefined) - 1, path: d.path });
    else if (d.type === 'skip') slots.push({ input: { path: d.path, kind: d.kind, status: 'skipped', records: 0, sha256: null, reason: d.reason } });
    else if (d.type === 'error') slots.push({ input: { path: d.path, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: d.reason } });
  }
  if (jobs.length < 2) return { ...(await scanEvents(paths, rules, collector, opts)), workerFiles: 0 };
  // By slot, not a search per result: an archive can hold a great many files.
  const pathOf: string[] = [];
  for (const j of jobs) pathOf[j.slot] = j.path;

  const eventRules = rules.filter((r) => r.target === 'event');
  const setup: WorkerSetup = { rules: eventRules, maxRecordBytes: opts.maxRecordBytes };
  const role = how.mainThread ?? (jobs.length < MAIN_SCANS_BELOW_FILES ? 'scans' : 'starts');
  const size = role === 'scans' ? Math.min(threads - 1, jobs.length - 1) : Math.min(threads, jobs.length);
  const script = workerScript(how.workerCode);
  const pool = Array.from({ length: size }, () => new Worker(script, { workerData: setup }));
  let workerFiles = 0;
  const judge = new EventJudge(eventRules);
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
      for (const f of r.findings) {
        if ('text' in f) collector.addSent(f);
        else collector.add(f);
      }
    }
  };
  const settle = (r: FileResult) => {
    slots[r.slot] = { result: r };
    for (const i of r.inputs) events += i.records;
    findingsSoFar += r.findings.length;
    done++;
    collectReady();
    opts.onProgress?.({ inputs: done, events, findings: findingsSoFar, path: pathOf[r.slot] });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => {
        failed = true;
        reject(e);
      };
      const feed = (w: Worker) => {
        if (next < jobs.length) w.postMessage(jobs[next++]);
      };
      for (const w of pool) {
        w.on('message', (r: FileResult) => {
          workerFiles++;
          settle(r);
          if (done === jobs.length) resolve();
          else feed(w);
        });
        w.on('error', fail);
        for (let k = 0; k < WORKER_QUEUE; k++) feed(w);
      }
      // The main thread's share: between files it yields to the event loop, where worker results
      // are taken in and their queues topped up.
      const mainScans = () => role === 'scans' || (role === 'starts' && workerFiles === 0);
      void (async () => {
        while (mainScans() && next < jobs.length && !failed) {
          settle(await scanFile(jobs[next++], judge, opts.maxRecordBytes));
          if (done === jobs.length) resolve();
          await new Promise<void>((r) => setImmediate(r));
        }
      })().catch(fail);
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  collectReady();
  return { inputs, events: countEvents(inputs), workerFiles };
}
