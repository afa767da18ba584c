import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { ObjectRef } from '../model/lambda-events';
import { type EventJudge, eventFindings } from '../scan/scan-events';
import { describeAwsError } from '../sources/s3-object-store';

export interface ObjectScan {
  uri: string;
  /** The file's accounting, as the CLI scan would report it (path: the s3:// URI). */
  input: InputRecord;
  /** Deduplicated by finding id, in read order. */
  findings: Finding[];
  /** The object could not be fetched (the file was never read). */
  fetchError?: string;
}

/**
 * One delivered log file through the project's own scanner: fetched to a temporary file under its
 * own key (so the reader sees the AWSLogs layout and names the account and region as it does for
 * an archive on disk), read by the same reader and matcher as `trailproof scan`, then removed.
 * A CloudTrail file is a few MB at most, well inside Lambda's /tmp.
 */
export async function scanObject(s3: S3Client, ref: ObjectRef, judge: EventJudge, tmpRoot: string, maxRecordBytes?: number): Promise<ObjectScan> {
  const uri = `s3://${ref.bucket}/${ref.key}`;
  const dir = mkdtempSync(join(tmpRoot, 'tp-object-'));
  try {
    const file = resolve(dir, ref.key);
    // A key is attacker-shaped text: `..` segments must not lead the file out of its folder.
    if (!file.startsWith(dir + sep)) {
      return { uri, findings: [], input: { path: uri, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: 'key leaves its folder (".." segments): not read' } };
    }
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ...(ref.versionId ? { VersionId: ref.versionId } : {}) }));
      await mkdir(dirname(file), { recursive: true });
      await pipeline(res.Body as Readable, createWriteStream(file));
    } catch (e) {
      const reason = `cannot fetch: ${describeAwsError(e)}`;
      return { uri, findings: [], fetchError: reason, input: { path: uri, kind: 'unknown', status: 'error', records: 0, sha256: null, reason } };
    }
    let input: InputRecord | undefined;
    const byId = new Map<string, Finding>();
    for await (const batch of eventFindings([file], judge, { maxRecordBytes, onInput: (i) => (input = i) })) {
      for (const f of batch) {
        if (byId.has(f.id)) continue;
        // Point at the object, not at the temporary copy.
        f.subject = { ...f.subject, source: { ...f.subject.source, path: uri } };
        byId.set(f.id, f);
      }
    }
    const read = input ?? { path: file, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: 'the reader gave no account of this file' };
    return { uri, input: { ...read, path: uri }, findings: [...byId.values()] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
