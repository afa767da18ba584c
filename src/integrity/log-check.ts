import type { ObjectStore } from '../model/object-store';
import { inflateFirstMember } from './gzip-member';
import type { LogReasonCode, Reason } from './results';
import { sha256Hex } from '../util/hash';

/** What reading one log file found, before comparing it with what the digests recorded. */
export type LogRead =
  | { state: 'missing' }
  | { state: 'unreadable'; message: string }
  | { state: 'bad-gzip'; message: string; bytes: number; storedSha256: string }
  | { state: 'read'; sha256: string; trailingBytes: number; bytes: number; storedSha256: string };

/** SHA-256 of the uncompressed first gzip member (spec A.6), streamed: nothing inflated is kept. */
export async function readLogFile(store: ObjectStore, bucket: string, key: string): Promise<LogRead> {
  let obj;
  try {
    obj = await store.get(bucket, key);
  } catch (e) {
    return { state: 'unreadable', message: (e as Error).message };
  }
  if (!obj) return { state: 'missing' };
  const bytes = obj.body.length;
  const storedSha256 = sha256Hex(obj.body);
  try {
    const m = await inflateFirstMember(obj.body);
    return { state: 'read', sha256: m.sha256, trailingBytes: m.trailingBytes, bytes, storedSha256 };
  } catch (e) {
    return { state: 'bad-gzip', message: (e as Error).message, bytes, storedSha256 };
  }
}

/**
 * Compare with every hash the digests recorded. A file listed by two digests with different
 * hashes cannot match both, and that is reported; aws-cli ignores hashAlgorithm, we refuse any
 * algorithm but SHA-256.
 */
export function judgeLogFile(read: LogRead, expected: readonly { hashValue: string; hashAlgorithm: string }[]): Reason<LogReasonCode>[] {
  const reasons: Reason<LogReasonCode>[] = [];
  for (const e of expected) {
    if (e.hashAlgorithm.toUpperCase() !== 'SHA-256') reasons.push({ code: 'hash-algorithm-unsupported', message: `unknown hash algorithm "${e.hashAlgorithm}"` });
  }
  switch (read.state) {
    case 'missing':
      return [...reasons, { code: 'not-found', message: 'not found' }];
    case 'unreadable':
      return [...reasons, { code: 'read-error', message: `could not read: ${read.message}` }];
    case 'bad-gzip':
      return [...reasons, { code: 'invalid-format', message: `invalid format: ${read.message}` }];
    case 'read':
      for (const e of expected) {
        if (e.hashAlgorithm.toUpperCase() === 'SHA-256' && e.hashValue.toLowerCase() !== read.sha256) {
          reasons.push({ code: 'hash-mismatch', message: `hash value doesn't match (digest has ${e.hashValue}, file hashes to ${read.sha256})` });
        }
      }
      if (read.trailingBytes > 0) {
        reasons.push({ code: 'trailing-data', message: `unexpected data after end of compressed stream (${read.trailingBytes} bytes)` });
      }
      return reasons;
  }
}
