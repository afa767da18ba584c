import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, FindingsDocument } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { RulePack } from '../model/rule';
import { buildDocument } from '../findings/document';
import type { EventMatcher } from '../engine/matcher';
import type { ScanProgress } from './scan-events';
import { scanEventsParallel } from './parallel-scan';

export interface ScanRequest {
  pack: RulePack;
  events: string[];
  maxRecordBytes?: number;
  matcher?: EventMatcher;
  stdin?: NodeJS.ReadableStream;
  /** Worker threads for event files (1: this thread only). Output is the same for any number. */
  workers?: number;
  onProgress?: (p: ScanProgress) => void;
}

/** One scan: every source the request names, assembled into one findings document. */
export async function runScan(req: ScanRequest): Promise<FindingsDocument> {
  const startedAt = new Date();
  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  let events = 0;
  let duplicates = 0;
  if (req.events.length > 0) {
    const r = await scanEventsParallel(req.events, req.pack.rules, req.workers ?? 1, {
      matcher: req.matcher,
      maxRecordBytes: req.maxRecordBytes,
      stdin: req.stdin,
      onProgress: req.onProgress,
    });
    inputs.push(...r.inputs);
    findings.push(...r.findings);
    events += r.events;
    duplicates += r.duplicateEventsIgnored;
  }
  return buildDocument({
    pack: req.pack,
    startedAt,
    finishedAt: new Date(),
    inputs,
    findings,
    events,
    duplicateEventsIgnored: duplicates,
  });
}

/** No input could be read at all: the run proves nothing, so it must not look like a pass. */
export function nothingReadable(doc: FindingsDocument): boolean {
  return doc.inputs.length === 0 || doc.inputs.every((i) => i.status === 'error');
}

export function writeFindingsJson(doc: FindingsDocument, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'findings.json');
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}
