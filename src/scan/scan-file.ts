import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import { type EventJudge, eventFindings } from './scan-events';
import type { FileJob, FileResult } from './worker-protocol';

/** One file of a parallel scan, on whichever thread it was given to: its inputs and findings. */
export async function scanFile(job: FileJob, judge: EventJudge, maxRecordBytes?: number): Promise<FileResult> {
  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  try {
    for await (const batch of eventFindings([job.path], judge, { maxRecordBytes, onInput: (i) => inputs.push(i) })) for (const f of batch) findings.push(f);
    return { slot: job.slot, inputs, findings };
  } catch (e) {
    return { slot: job.slot, inputs, findings, error: e instanceof Error ? e.message : String(e) };
  }
}
