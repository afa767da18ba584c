import { parentPort, workerData } from 'node:worker_threads';
import { findingCodec } from '../findings/finding-codec';
import type { Finding } from '../model/finding';
import { eventTimeOf } from './collector';
import { EventJudge } from './scan-events';
import { scanFile } from './scan-file';
import type { FileJob, FileResult, SentFinding, WorkerSetup } from './worker-protocol';

const setup = workerData as WorkerSetup;
// Compiled once per worker, reused for every file it is given.
const judge = new EventJudge(setup.rules);
const codec = findingCodec(setup.rules);

function send(f: Finding): SentFinding {
  const eventId = f.subject.kind === 'event' ? f.subject.eventId : null;
  return { id: f.id, ruleId: f.ruleId, eventTime: eventTimeOf(f), eventId, status: f.status, severity: f.severity, text: codec.encode(f) };
}

async function scanToSend(job: FileJob): Promise<FileResult> {
  const r = await scanFile(job, judge, setup.maxRecordBytes);
  return { ...r, findings: (r.findings as Finding[]).map(send) };
}

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
  for (let job = queue.shift(); job; job = queue.shift()) parentPort?.postMessage(await scanToSend(job));
  running = false;
}
