import { StringDecoder } from 'node:string_decoder';
import * as zlib from 'node:zlib';

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

/**
 * Push-based byte decoder: feed raw chunks, get decompressed chunks back. Gzip is recognised by its
 * magic bytes, not the file name (S3 downloads and CloudWatch exports lose or change extensions);
 * concatenated gzip members, as `cat a.gz b.gz` makes, decompress as one stream.
 */
export class ByteDecoder {
  private mode: 'sniff' | 'plain' | 'gzip' = 'sniff';
  private head: Buffer = Buffer.alloc(0);
  private gunzip?: zlib.Gunzip;
  private out: Buffer[] = [];
  private failure?: Error;
  private ended = false;
  /** Raw bytes handed to the decoder so far, for error positions. */
  private rawBytes = 0;

  get compressed(): boolean {
    return this.mode === 'gzip';
  }

  async write(chunk: Buffer): Promise<Buffer[]> {
    this.rawBytes += chunk.length;
    if (this.mode === 'sniff') {
      this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      // Six bytes tell every format we know; wait for them unless the input is shorter (see end()).
      if (this.head.length < 6) return [];
      chunk = this.head;
      this.head = Buffer.alloc(0);
      this.choose(chunk);
    }
    if (this.mode === 'plain') return [chunk];
    return this.feed(chunk);
  }

  async end(): Promise<Buffer[]> {
    if (this.mode === 'sniff') {
      const rest = this.head;
      this.head = Buffer.alloc(0);
      this.choose(rest);
      if ((this.mode as string) === 'plain') return rest.length ? [rest] : [];
      const out = await this.feed(rest);
      return out.concat(await this.finish());
    }
    if (this.mode === 'plain') return [];
    return this.finish();
  }

  private choose(first: Buffer): void {
    if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
      this.mode = 'gzip';
      const z = zlib.createGunzip();
      z.on('data', (b: Buffer) => this.out.push(b));
      z.on('error', (e: Error) => {
        this.failure ??= e;
      });
      z.on('end', () => {
        this.ended = true;
      });
      this.gunzip = z;
      return;
    }
    for (const u of UNSUPPORTED) {
      if (first.length >= u.magic.length && u.magic.every((b, i) => first[i] === b)) {
        throw new DecodeError(`unsupported input: the file is ${u.name}; decompress it first`);
      }
    }
    this.mode = 'plain';
  }

  private take(): Buffer[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private fail(e: Error): never {
    const msg = e.message;
    if ((e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || /unexpected end/.test(msg)) {
      throw new DecodeError(`truncated gzip: unexpected end of the compressed data after ${this.rawBytes} bytes`);
    }
    throw new DecodeError(`corrupt gzip: ${msg} (within the first ${this.rawBytes} compressed bytes)`);
  }

  private feed(chunk: Buffer): Promise<Buffer[]> {
    const z = this.gunzip!;
    if (this.failure) this.fail(this.failure);
    return new Promise<Buffer[]>((resolve, reject) => {
      const onError = (e: Error) => {
        try {
          this.fail(e);
        } catch (d) {
          reject(d);
        }
      };
      z.once('error', onError);
      z.write(chunk, (err) => {
        z.removeListener('error', onError);
        if (err || this.failure) return onError(this.failure ?? err!);
        resolve(this.take());
      });
    });
  }

  private finish(): Promise<Buffer[]> {
    const z = this.gunzip!;
    if (this.failure) this.fail(this.failure);
    return new Promise<Buffer[]>((resolve, reject) => {
      const done = () => {
        if (this.failure) {
          try {
            this.fail(this.failure);
          } catch (d) {
            reject(d);
          }
          return;
        }
        resolve(this.take());
      };
      if (this.ended) return done();
      z.once('end', done);
      z.once('error', done);
      // Flowing mode: 'end' only fires once the readable side is drained, which 'data' does.
      z.end();
    });
  }
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
