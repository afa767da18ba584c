import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { isGzip } from '../util/gzip';

/**
 * Inflate exactly one gzip member and hash what it holds (spec A.6). Node's gunzip, like most
 * tools, carries on into a second member appended to the file, so a forger could append events
 * that a reader would see and a naive checker would hash away. Here the header and trailer are
 * read by hand around a raw inflate, and anything after the first member is reported.
 */

export interface MemberResult {
  sha256: string;
  uncompressedBytes: number;
  /** Bytes after the first member's trailer; > 0 means data was appended. */
  trailingBytes: number;
}

export class GzipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GzipFormatError';
  }
}

const FTEXT = 1;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

function headerLength(buf: Buffer): number {
  if (buf.length < 10 || !isGzip(buf)) throw new GzipFormatError('not gzip (no 1f 8b magic)');
  if (buf[2] !== 8) throw new GzipFormatError(`unknown gzip compression method ${buf[2]}`);
  const flags = buf[3];
  if (flags & ~(FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT)) throw new GzipFormatError('reserved gzip header flags set');
  let p = 10;
  if (flags & FEXTRA) {
    if (p + 2 > buf.length) throw new GzipFormatError('truncated gzip header');
    p += 2 + buf.readUInt16LE(p);
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (flags & f) {
      const end = buf.indexOf(0, p);
      if (end < 0) throw new GzipFormatError('truncated gzip header');
      p = end + 1;
    }
  }
  if (flags & FHCRC) p += 2;
  if (p > buf.length) throw new GzipFormatError('truncated gzip header');
  return p;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** zlib.crc32 (Node >= 20.15) is native; the table loop keeps older 20.x working. */
const nativeCrc32 = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;

function crc32Update(crc: number, chunk: Buffer): number {
  if (nativeCrc32) return nativeCrc32(chunk, crc);
  let c = crc ^ 0xffffffff;
  for (let i = 0; i < chunk.length; i++) c = CRC_TABLE[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A CloudTrail file is a few hundred KB compressed. Up to this size it is inflated in one
 * synchronous call and hashed in one update: streaming it through zlib's thread pool costs an
 * async hop and a small buffer per 16 KiB of output, which made checking a file take half again
 * as long as reading, inflating and hashing it. The output cap keeps a gzip bomb out of memory;
 * the call is synchronous, so only one inflated file exists at a time whatever the concurrency.
 */
export const WHOLE_MEMBER_MAX_INPUT = 4 * 1024 * 1024;
export const WHOLE_MEMBER_MAX_OUTPUT = 64 * 1024 * 1024;

/** The trailer checks of one member whose deflate data ended `consumed` bytes after `start`. */
function finishMember(gz: Buffer, start: number, consumed: number, crc: number, size: number, sha256: string): MemberResult {
  // The inflater stops at the end of the deflate stream: what it consumed locates the trailer.
  const trailerAt = start + consumed;
  if (trailerAt + 8 > gz.length) throw new GzipFormatError('truncated gzip member (no trailer)');
  const wantCrc = gz.readUInt32LE(trailerAt);
  const wantSize = gz.readUInt32LE(trailerAt + 4);
  if (wantCrc !== crc) throw new GzipFormatError('gzip CRC-32 mismatch');
  if (wantSize !== size % 2 ** 32) throw new GzipFormatError('gzip length mismatch');
  return { sha256, uncompressedBytes: size, trailingBytes: gz.length - (trailerAt + 8) };
}

/**
 * The first member inflated in one call, or undefined when the file is too big, inflates past the
 * cap, or its deflate data is bad: the streaming path then decides, so every error reads the same
 * whichever path a file would have taken.
 */
function inflateWhole(gz: Buffer, start: number): { data: Buffer; consumed: number } | undefined {
  if (gz.length > WHOLE_MEMBER_MAX_INPUT) return undefined;
  try {
    // The trailer's ISIZE, when the file is one honest member, is the exact output size: one
    // output buffer of that size (plus a byte, so zlib need not look for more) is never joined
    // from 16 KiB pieces. A trailer that lies only costs pieces; the cap still holds.
    const isize = gz.readUInt32LE(gz.length - 4);
    const chunkSize = Math.min(WHOLE_MEMBER_MAX_OUTPUT, Math.max(64 * 1024, isize + 1));
    const r = zlib.inflateRawSync(gz.subarray(start), { info: true, maxOutputLength: WHOLE_MEMBER_MAX_OUTPUT, chunkSize }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    return { data: r.buffer, consumed: r.engine.bytesWritten };
  } catch {
    return undefined;
  }
}

/**
 * `sink` sees the uncompressed bytes (for parsing), in one piece or chunk by chunk. Small files are
 * inflated whole (see WHOLE_MEMBER_MAX_INPUT), others streamed; the result is the same either way.
 */
export async function inflateFirstMember(gz: Buffer, sink?: (chunk: Buffer) => void): Promise<MemberResult> {
  const start = headerLength(gz);
  const whole = inflateWhole(gz, start);
  if (!whole) return inflateFirstMemberStreamed(gz, sink);
  const { data, consumed } = whole;
  sink?.(data);
  return finishMember(gz, start, consumed, crc32Update(0, data), data.length, createHash('sha256').update(data).digest('hex'));
}

/** The streaming path: nothing inflated is kept here, whatever the file's size. */
export function inflateFirstMemberStreamed(gz: Buffer, sink?: (chunk: Buffer) => void): Promise<MemberResult> {
  let start: number;
  try {
    start = headerLength(gz);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<MemberResult>((resolve, reject) => {
    const inflate = zlib.createInflateRaw();
    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    inflate.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      crc = crc32Update(crc, chunk);
      size += chunk.length;
      sink?.(chunk);
    });
    inflate.on('error', (e) => reject(new GzipFormatError(`bad deflate data: ${e.message}`)));
    inflate.on('end', () => {
      try {
        // bytesWritten counts input the inflater consumed.
        resolve(finishMember(gz, start, inflate.bytesWritten, crc, size, hash.digest('hex')));
      } catch (e) {
        reject(e);
      }
    });
    inflate.end(gz.subarray(start));
  });
}

/** The whole first member in memory: for digests, which are small and must be parsed. */
export async function inflateFirstMemberToBuffer(gz: Buffer): Promise<MemberResult & { data: Buffer }> {
  const chunks: Buffer[] = [];
  const r = await inflateFirstMember(gz, (c) => chunks.push(c));
  return { ...r, data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) };
}
