import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { ObjectRef } from '../model/lambda-events';
import { type EventJudge, judgeBatches } from '../scan/scan-events';
import { readCloudTrailObject } from '../sources/cloudtrail-files';
import { describeAwsError } from '../sources/s3-object-store';
import { WHOLE_FILE_MAX_BYTES } from '../sources/whole-file';

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
 * One delivered log file through the project's own scanner: the same reader and matcher as
 * `trailproof scan` on the same file on disk, named by its s3:// URI (so the reader sees the
 * AWSLogs layout in the key and names the account and region as it does for an archive on disk).
 * A typical file is taken in one piece, on the reader's fast path; a large one is streamed.
 */
export async function scanObject(s3: S3Client, ref: ObjectRef, judge: EventJudge, maxRecordBytes?: number): Promise<ObjectScan> {
  const uri = `s3://${ref.bucket}/${ref.key}`;
  let bytes: Buffer | Readable;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ...(ref.versionId ? { VersionId: ref.versionId } : {}) }));
    const small = res.ContentLength !== undefined && res.ContentLength <= WHOLE_FILE_MAX_BYTES;
    bytes = !res.Body ? Buffer.alloc(0) : small ? Buffer.from(await res.Body.transformToByteArray()) : (res.Body as Readable);
  } catch (e) {
    const reason = `cannot fetch: ${describeAwsError(e)}`;
    return { uri, findings: [], fetchError: reason, input: { path: uri, kind: 'unknown', status: 'error', records: 0, sha256: null, reason } };
  }
  let input: InputRecord | undefined;
  const byId = new Map<string, Finding>();
  const records = readCloudTrailObject(uri, bytes, { maxRecordBytes, onInput: (i) => (input = i), screen: judge.matcher.screen?.() });
  for await (const batch of judgeBatches(records, judge)) {
    for (const f of batch) if (!byId.has(f.id)) byId.set(f.id, f);
  }
  return { uri, input: input ?? { path: uri, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: 'the reader gave no account of this file' }, findings: [...byId.values()] };
}
