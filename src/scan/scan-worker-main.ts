import { parentPort, workerData } from 'node:worker_threads';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import { EventJudge, eventFindings } from './scan-events';
import type { FileJob, FileResult, WorkerSetup } from './worker-protocol';

const setup = workerData as WorkerSetup;
// Compiled once per worker, reused for every file it is given.
const judge = new EventJudge(setup.rules);

parentPort?.on('message', (job: FileJob) => {
  void scanFile(job).then((r) => parentPort?.postMessage(r));
});

async function scanFile(job: FileJob): Promise<FileResult> {
  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  try {
    for await (const f of eventFindings([job.path], judge, { maxRecordBytes: setup.maxRecordBytes, onInput: (i) => inputs.push(i) })) {
      findings.push(f);
    }
    return { slot: job.slot, inputs, findings };
  } catch (e) {
    return { slot: job.slot, inputs, findings, error: e instanceof Error ? e.message : String(e) };
  }
}
