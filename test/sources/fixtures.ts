import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DATASETS } from '../support/paths';
import type { CloudTrailRecord } from '../../src/model/event';
import type { InputRecord } from '../../src/model/input';
import { type ReadOptions, readCloudTrail } from '../../src/sources/cloudtrail-files';

export const STRATUS_DIR = join(DATASETS, 'stratus-red-team', 'detonation-logs');
export const INVICTUS = join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl');

/** Real records from one Stratus detonation log (a bare JSON array). */
export function stratus(technique: string): CloudTrailRecord[] {
  return JSON.parse(readFileSync(join(STRATUS_DIR, `${technique}.json`), 'utf8'));
}

export function stratusFiles(): string[] {
  return readdirSync(STRATUS_DIR).filter((f) => f.endsWith('.json'));
}

/** A scratch directory; write(rel, data) creates parents. */
export function scratch(): { dir: string; write(rel: string, data: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'trailproof-sources-'));
  return {
    dir,
    write(rel, data) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function readAll(paths: string[], opts: Omit<ReadOptions, 'onInput'> = {}) {
  const inputs: InputRecord[] = [];
  const records: { record: CloudTrailRecord; path: string; index: number; line?: number }[] = [];
  for await (const r of readCloudTrail(paths, { ...opts, onInput: (i) => inputs.push(i) })) {
    records.push({ record: r.record, path: r.location.path, index: r.location.index, line: r.location.line });
  }
  return { inputs, records, byPath: (p: string) => inputs.find((i) => i.path === p) };
}

export function eventBridge(r: CloudTrailRecord, detailType = 'AWS API Call via CloudTrail'): Record<string, unknown> {
  return {
    version: '0',
    id: `eb-${String(r.eventID)}`,
    'detail-type': detailType,
    source: `aws.${String(r.eventSource ?? 'unknown').split('.')[0]}`,
    account: '123456789012',
    time: r.eventTime,
    region: r.awsRegion,
    resources: [],
    detail: r,
  };
}

export function logEvent(r: CloudTrailRecord, i: number): Record<string, unknown> {
  return {
    logStreamName: '123456789012_CloudTrail_us-east-1',
    timestamp: Date.parse(String(r.eventTime)) || 0,
    message: JSON.stringify(r),
    ingestionTime: (Date.parse(String(r.eventTime)) || 0) + 1000,
    eventId: String(i).padStart(56, '3'),
  };
}
