import { parentPort, workerData } from 'node:worker_threads';
import { EventJudge } from './scan-events';
import { scanFile } from './scan-file';
import type { FileJob, WorkerSetup } from './worker-protocol';

const setup = workerData as WorkerSetup;
// Compiled once per worker, reused for every file it is given.
const judge = new EventJudge(setup.rules);

// Jobs arrive ahead of time (the main thread keeps each worker's queue from running dry while it
// scans files itself); they are done one at a time, in the order given.
const queue: FileJob[] = [];
let running = false;

parentPort?.on('message', (job: FileJob) => {
  queue.push(job);
  if (!running) void drain();
});

async function drain(): Promise<void> {
  running = true;
  for (let job = queue.shift(); job; job = queue.shift()) parentPort?.postMessage(await scanFile(job, judge, setup.maxRecordBytes));
  running = false;
}
