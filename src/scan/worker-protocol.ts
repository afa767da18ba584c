import type { Finding, FindingStatus } from '../model/finding';
import type { Severity } from '../model/severity';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';

/** Messages between the scan's main thread and its workers (structured-clone safe). */
export interface WorkerSetup {
  rules: Rule[];
  maxRecordBytes?: number;
}

export interface FileJob {
  slot: number;
  path: string;
}

/**
 * A finding as a worker sends it: already in its spill form (finding-codec.ts), with what the main
 * thread needs to deduplicate, order and count it. One string crosses the thread boundary instead
 * of an object graph, and the encoding is done on the worker's core, not the collecting thread's.
 */
export interface SentFinding {
  id: string;
  ruleId: string;
  eventTime: string;
  eventId: string | null;
  status: FindingStatus;
  severity: Severity;
  text: string;
}

export interface FileResult {
  slot: number;
  inputs: InputRecord[];
  /** In read order, duplicates included: the main thread collects them as one thread would. */
  findings: Finding[] | SentFinding[];
  error?: string;
}
