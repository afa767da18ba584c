import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isGzip } from '../util/gzip';

/**
 * The fast way through a typical CloudTrail file: read it whole and inflate it in one synchronous
 * call, instead of streaming chunks through zlib's thread pool. That keeps a scan on one core (so
 * worker threads scale) and skips an async hop per chunk. Only for files small enough that holding
 * one whole is harmless; the output is capped so a gzip bomb cannot get through. Anything unusual
 * (an error, other compression, a text that does not start like JSON) returns undefined and the
 * caller streams the file instead, which is where every error is described.
 */
export const WHOLE_FILE_MAX_BYTES = 4 * 1024 * 1024;
const WHOLE_FILE_MAX_PLAIN_BYTES = 64 * 1024 * 1024;

export interface WholeFile {
  /** The bytes as stored: what sha256 and the byte count describe. */
  raw: Buffer;
  /** The bytes after decompression. */
  plain: Buffer;
}

function looksLikeJsonText(b: Buffer): boolean {
  let i = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i] === 0x7b /* { */ || b[i] === 0x5b /* [ */;
}

/**
 * Synchronous on purpose: a few MiB read in one call costs less than the promise round trip
 * through libuv's pool, during which a one-thread scan would sit idle.
 */
export function readWholeFile(path: string): WholeFile | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > WHOLE_FILE_MAX_BYTES) return undefined;
    return wholeBytes(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** The same fast path for bytes already in memory (an S3 object), under the same limits. */
export function wholeBytes(raw: Buffer): WholeFile | undefined {
  if (raw.length > WHOLE_FILE_MAX_BYTES) return undefined;
  try {
    if (isGzip(raw)) {
      // The gzip trailer states the inflated size (of the last member, modulo 2^32): asking for
      // one output chunk that size spares zlib a chain of 16 KiB chunks and a final copy. A wrong
      // size only costs that copy again; the cap still holds.
      const stated = raw.readUInt32LE(raw.length - 4);
      const chunkSize = Math.min(Math.max(stated + 1, 64 * 1024), raw.length * 32, WHOLE_FILE_MAX_PLAIN_BYTES);
      const plain = gunzipSync(raw, { maxOutputLength: WHOLE_FILE_MAX_PLAIN_BYTES, chunkSize });
      return looksLikeJsonText(plain) ? { raw, plain } : undefined;
    }
    return looksLikeJsonText(raw) ? { raw, plain: raw } : undefined;
  } catch {
    return undefined;
  }
}
