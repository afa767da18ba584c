import type { Finding } from '../model/finding';
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

export interface FileResult {
  slot: number;
  inputs: InputRecord[];
  /** In read order, duplicates included: the main thread collects them as one thread would. */
  findings: Finding[];
  error?: string;
}
