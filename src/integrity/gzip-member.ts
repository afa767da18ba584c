import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';

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
  if (buf.length < 10 || buf[0] !== 0x1f || buf[1] !== 0x8b) throw new GzipFormatError('not gzip (no 1f 8b magic)');
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
 * `sink` sees the uncompressed bytes chunk by chunk (for hashing or parsing); nothing inflated is
 * kept in memory here.
 */
export function inflateFirstMember(gz: Buffer, sink?: (chunk: Buffer) => void): Promise<MemberResult> {
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
      // bytesWritten counts input the inflater consumed; it stops at the end of the deflate stream.
      const trailerAt = start + inflate.bytesWritten;
      if (trailerAt + 8 > gz.length) return reject(new GzipFormatError('truncated gzip member (no trailer)'));
      const wantCrc = gz.readUInt32LE(trailerAt);
      const wantSize = gz.readUInt32LE(trailerAt + 4);
      if (wantCrc !== crc) return reject(new GzipFormatError('gzip CRC-32 mismatch'));
      if (wantSize !== size % 2 ** 32) return reject(new GzipFormatError('gzip length mismatch'));
      resolve({ sha256: hash.digest('hex'), uncompressedBytes: size, trailingBytes: gz.length - (trailerAt + 8) });
    });
    inflate.end(gz.subarray(start));
  });
}

/** The whole first member in memory: for digests, which are small and must be parsed. */
export async function inflateFirstMemberToBuffer(gz: Buffer): Promise<MemberResult & { data: Buffer }> {
  const chunks: Buffer[] = [];
  const r = await inflateFirstMember(gz, (c) => chunks.push(c));
  return { ...r, data: Buffer.concat(chunks) };
}
