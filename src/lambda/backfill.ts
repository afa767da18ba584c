import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDocument } from '../findings/document';
import type { Finding, FindingsDocument } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { BackfillBatchEvent, BackfillReduceEvent } from '../model/lambda-events';
import type { RulePack } from '../model/rule';
import { FindingCollector } from '../scan/collector';
import { FindingStore } from '../scan/finding-store';
import { EventJudge, ruleOrder } from '../scan/scan-events';
import { SpoolDir } from '../util/spool';
import { sha256Hex } from '../util/hash';
import { writeReports } from '../../reports/write';
import { isTrailLogKey } from './notifications';
import { scanObject } from './scan-object';
import { type ReportTarget, uploadFiles } from './upload';

export interface BackfillSettings {
  pack: RulePack;
  s3: S3Client;
  /** Where batch documents and the merged findings.json go: `<prefix><runId>/`. */
  output: ReportTarget;
  tmpDir?: string;
  now?: () => Date;
}

export interface BatchSummary {
  batch: string;
  files: number;
  events: number;
  findings: number;
  errors: number;
}

/** `.../CloudTrail/<region>/YYYY/MM/DD/...`: the UTC day CloudTrail filed the object under. */
function dayOf(key: string): string | undefined {
  const m = /\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(key);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

const COLD = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * One Distributed Map batch: each listed object of the archive scanned as the detection function
 * scans a delivery, the batch's findings and inputs written as one findings.json (a batch
 * document) for the reduce step. Every item is accounted for: a key outside the trail layout or
 * the window, or an object in a cold storage class (the bucket moves log files to Glacier after
 * storage.glacierAfterDays; restore those first), is an input with the reason it was not read.
 */
// A warm container runs many batches with the one rule pack: compile its matcher once.
const judges = new WeakMap<RulePack, EventJudge>();
function judgeFor(pack: RulePack): EventJudge {
  let j = judges.get(pack);
  if (!j) judges.set(pack, (j = new EventJudge(pack.rules)));
  return j;
}

export async function scanBatch(s: BackfillSettings, event: BackfillBatchEvent): Promise<BatchSummary> {
  const { bucket, runId, since, until } = event.BatchInput;
  const judge = judgeFor(s.pack);
  const startedAt = (s.now ?? (() => new Date()))();
  const inputs: InputRecord[] = [];
  const findings = new Map<string, Finding>();
  for (const item of event.Items) {
    const uri = `s3://${bucket}/${item.Key}`;
    const skip = (reason: string) => inputs.push({ path: uri, kind: 'unknown', status: 'skipped', records: 0, sha256: null, reason });
    if (!isTrailLogKey(item.Key)) {
      skip('not a CloudTrail log file key');
      continue;
    }
    const day = dayOf(item.Key);
    if (day && ((since && day < since.slice(0, 10)) || (until && day > until.slice(0, 10)))) {
      skip(`outside the window ${since ?? '…'} to ${until ?? '…'}`);
      continue;
    }
    if (item.StorageClass && COLD.has(item.StorageClass)) {
      inputs.push({ path: uri, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: `in ${item.StorageClass}: restore the object before a backfill can read it` });
      continue;
    }
    const scan = await scanObject(s.s3, { bucket, key: item.Key }, judge);
    inputs.push(scan.input);
    for (const f of scan.findings) if (!findings.has(f.id)) findings.set(f.id, f);
  }
  const list = [...findings.values()];
  const events = inputs.reduce((n, i) => n + i.records, 0);
  const doc = buildDocument({ pack: s.pack, startedAt, finishedAt: new Date(), inputs, findings: list, events, duplicateEventsIgnored: 0 });
  const batch = sha256Hex(event.Items.map((i) => i.Key).join('\n')).slice(0, 20);
  await s.s3.send(
    new PutObjectCommand({
      Bucket: s.output.bucket,
      Key: `${s.output.prefix}${runId}/batches/${batch}.json`,
      Body: JSON.stringify(doc),
      ContentType: 'application/json',
      ...(s.output.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: s.output.kmsKeyId } : {}),
    }),
  );
  return { batch, files: inputs.filter((i) => i.status !== 'skipped').length, events, findings: list.length, errors: inputs.filter((i) => i.status === 'error').length };
}

export interface MergeSummary {
  runId: string;
  batches: number;
  inputs: number;
  events: number;
  findings: number;
  duplicateFindings: number;
  files: string[];
}

/**
 * The reduce step: every batch document of the run merged into one findings.json, findings
 * deduplicated by id (an event in two files, a batch retried by the Map) through the scan's own
 * collector, which spills to /tmp past its memory limit, so a year of findings does not have to
 * fit in the function's memory; inputs listed once each.
 */
export async function mergeBatches(s: BackfillSettings, event: BackfillReduceEvent): Promise<MergeSummary> {
  const startedAt = (s.now ?? (() => new Date()))();
  const work = mkdtempSync(join(s.tmpDir ?? tmpdir(), 'tp-merge-'));
  const dir = new SpoolDir(work);
  const collector = new FindingCollector({ ruleOrder: ruleOrder(s.pack.rules), rules: s.pack.rules, dir });
  try {
    const prefix = `${s.output.prefix}${event.runId}/batches/`;
    const inputs = new Map<string, InputRecord>();
    let batches = 0;
    let offered = 0;
    let token: string | undefined;
    do {
      const page = await s.s3.send(new ListObjectsV2Command({ Bucket: s.output.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key?.endsWith('.json')) continue;
        const res = await s.s3.send(new GetObjectCommand({ Bucket: s.output.bucket, Key: o.Key }));
        const doc = JSON.parse(await res.Body!.transformToString()) as FindingsDocument;
        batches++;
        for (const i of doc.inputs) if (!inputs.has(i.path)) inputs.set(i.path, i);
        for (const f of doc.findings) {
          offered++;
          collector.add(f);
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const collected = collector.finish();
    const inputList = [...inputs.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const events = inputList.reduce((n, i) => n + i.records, 0);
    const store = new FindingStore(collected.findings, dir);
    const doc = buildDocument({
      pack: s.pack,
      startedAt,
      finishedAt: new Date(),
      inputs: inputList,
      findings: store,
      events,
      duplicateEventsIgnored: collected.duplicates,
      summary: collector.tally.summary(events, collected.duplicates),
    });
    const files = await writeReports(doc, ['json'], join(work, 'out'), { rules: s.pack.rules, catalogues: [] });
    const uploaded = await uploadFiles(s.s3, s.output, event.runId, files);
    return { runId: event.runId, batches, inputs: inputList.length, events, findings: store.length, duplicateFindings: offered - store.length, files: uploaded };
  } finally {
    dir.close();
    rmSync(work, { recursive: true, force: true });
  }
}
