import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import * as zlib from 'node:zlib';
import { isGzip } from '../util/gzip';

/** Raised for input bytes that cannot be decoded; the message names what and where. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Formats recognised by their first bytes that we do not read: say so instead of "invalid JSON". */
const UNSUPPORTED: { magic: number[]; name: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], name: 'a zip archive' },
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2-compressed' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd-compressed' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz-compressed' },
];

/** Enough leading bytes to tell every format above. */
const SNIFF_BYTES = 6;

export interface DecodeOptions {
  /** Sees every raw byte of the source, in order, even after a decode error (for hashing). */
  tap?: (raw: Buffer) => void;
  /** Decompressed bytes per output chunk (default 64 KiB). */
  chunkSize?: number;
}

/**
 * Raw bytes in, decoded bytes out, streaming. Gzip is recognised by its magic bytes, not the file
 * name (S3 downloads and CloudWatch exports lose or change extensions); concatenated gzip members,
 * as `cat a.gz b.gz` makes, decompress as one stream. Reading and inflating (on libuv's thread
 * pool) run ahead of the consumer by at most a chunk or two, so the consumer's own work overlaps
 * them while memory stays bounded by the stream buffers.
 *
 * A decode error is thrown as DecodeError after the source has been read to its end through `tap`.
 */
export async function* decodeBytes(source: AsyncIterable<Buffer | string>, opts: DecodeOptions = {}): AsyncGenerator<Buffer> {
  const tap = opts.tap ?? (() => undefined);
  const it = source[Symbol.asyncIterator]();
  const next = async (): Promise<Buffer | undefined> => {
    const r = await it.next();
    if (r.done) return undefined;
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    tap(b);
    return b;
  };

  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  while (head.length < SNIFF_BYTES) {
    const b = await next();
    if (!b) {
      ended = true;
      break;
    }
    head = head.length === 0 ? b : Buffer.concat([head, b]);
  }
  if (head.length === 0) return;
  if (!isGzip(head)) {
    for (const u of UNSUPPORTED) {
      if (head.length >= u.magic.length && u.magic.every((x, i) => head[i] === x)) {
        if (!ended) while (await next());
        throw new DecodeError(`unsupported input: the file is ${u.name}; decompress it first`);
      }
    }
    yield head;
    if (ended) return;
    for (let b = await next(); b; b = await next()) yield b;
    return;
  }

  const z = zlib.createGunzip({ chunkSize: opts.chunkSize ?? 64 * 1024 });
  const stop = new AbortController();
  let rawBytes = 0;
  let failure: Error | undefined;
  z.on('error', (e) => {
    failure ??= e;
  });
  // The pump feeds zlib while the consumer works on earlier output; after a zlib error it goes on
  // reading the source only for the tap.
  const pump = (async () => {
    try {
      for (let b: Buffer | undefined = head; b; b = ended ? undefined : await next()) {
        if (stop.signal.aborted) return;
        if (failure) continue;
        rawBytes += b.length;
        if (!z.write(b)) await waitDrain(z, stop.signal);
      }
      if (!failure) z.end();
    } catch (e) {
      if (!stop.signal.aborted) {
        failure ??= e as Error;
        z.destroy();
      }
    }
  })();
  try {
    try {
      for await (const out of z) yield out as Buffer;
    } catch (e) {
      failure ??= e as Error;
    }
    await pump;
    if (failure) throw describeGzipError(failure, rawBytes);
  } finally {
    stop.abort();
    z.destroy();
  }
}

function waitDrain(z: zlib.Gunzip, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      z.off('drain', done);
      z.off('error', done);
      z.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    z.on('drain', done);
    z.on('error', done);
    z.on('close', done);
    signal.addEventListener('abort', done);
  });
}

function describeGzipError(e: Error, rawBytes: number): Error {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  // Anything but zlib's own errors (a failing read) goes up unchanged.
  if (!code.startsWith('Z_')) return e;
  if (code === 'Z_BUF_ERROR') {
    return new DecodeError(`truncated gzip: unexpected end of the compressed data after ${rawBytes} bytes`);
  }
  return new DecodeError(`corrupt gzip: ${e.message} (within the first ${rawBytes} compressed bytes)`);
}

/**
 * UTF-8 bytes to text across chunk boundaries (a character split between chunks stays whole),
 * dropping a leading byte-order mark.
 */
export class Utf8Text {
  private readonly decoder = new StringDecoder('utf8');
  private first = true;

  write(chunk: Buffer): string {
    let s = this.decoder.write(chunk);
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    return s;
  }

  end(): string {
    const s = this.decoder.end();
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) return s.slice(1);
    }
    return s;
  }
}

/**
 * A whole decoded input as text, as Utf8Text would give it. CloudTrail logs are nearly always
 * pure ASCII, and for ASCII a Latin-1 read is the same text at a fraction of the cost of UTF-8
 * decoding (docs/performance.md); anything else is decoded as UTF-8, byte-order mark dropped.
 */
export function wholeText(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  const t = new Utf8Text();
  return t.write(bytes) + t.end();
}
