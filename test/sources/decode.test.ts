import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { DecodeError, decodeBytes, Utf8Text } from '../../src/sources/decode';

async function decodeAll(chunks: Buffer[]): Promise<{ out: Buffer; error?: string; tapped: number }> {
  const parts: Buffer[] = [];
  let tapped = 0;
  try {
    for await (const b of decodeBytes(Readable.from(chunks), { tap: (r) => (tapped += r.length) })) parts.push(b);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return { out: Buffer.concat(parts), error: (e as Error).message, tapped };
  }
  return { out: Buffer.concat(parts), tapped };
}

function chunked(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

describe('decodeBytes', () => {
  const text = JSON.stringify({ Records: Array.from({ length: 50 }, (_, i) => ({ eventName: `E${i}`, note: 'é😀' })) });

  it('passes plain bytes through, in any chunking (even shorter than the magic)', async () => {
    for (const size of [1, 2, 5, 1000]) {
      const r = await decodeAll(chunked(Buffer.from(text), size));
      expect(r.out.toString()).toBe(text);
      expect(r.tapped).toBe(Buffer.byteLength(text));
    }
    expect((await decodeAll([Buffer.from('[]')])).out.toString()).toBe('[]');
    expect((await decodeAll([])).out.length).toBe(0);
  });

  it('gunzips by magic bytes, in any chunking', async () => {
    const gz = gzipSync(text);
    for (const size of [1, 3, 64, 1 << 20]) {
      const r = await decodeAll(chunked(gz, size));
      expect(r.error).toBeUndefined();
      expect(r.out.toString()).toBe(text);
      expect(r.tapped).toBe(gz.length);
    }
  });

  it('decompresses concatenated gzip members as one stream', async () => {
    const r = await decodeAll([Buffer.concat([gzipSync('abc'), gzipSync(''), gzipSync('def')])]);
    expect(r.out.toString()).toBe('abcdef');
  });

  it('names a corrupt gzip, a truncated gzip and trailing garbage, and still taps every raw byte', async () => {
    const gz = gzipSync(text);
    const crc = Buffer.from(gz);
    crc[crc.length - 8] ^= 1;
    expect((await decodeAll([crc])).error).toMatch(/^corrupt gzip: incorrect data check \(within the first \d+ compressed bytes\)$/);
    const early = Buffer.from(gz);
    for (let i = 12; i < 40; i++) early[i] = 0xff;
    const r = await decodeAll(chunked(Buffer.concat([early, Buffer.alloc(100000, 7)]), 1000));
    expect(r.error).toMatch(/^corrupt gzip: /);
    expect(r.tapped).toBe(early.length + 100000);
    expect((await decodeAll(chunked(gz.subarray(0, gz.length - 20), 50))).error).toMatch(/^truncated gzip: unexpected end of the compressed data after \d+ bytes$/);
    expect((await decodeAll([Buffer.concat([gz, Buffer.from('junk!!')])])).error).toMatch(/^corrupt gzip: incorrect header check/);
  });

  it('refuses archives it does not open, saying what they are', async () => {
    expect((await decodeAll([Buffer.from('BZh91AY&SY')])).error).toBe('unsupported input: the file is bzip2-compressed; decompress it first');
    expect((await decodeAll([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0])])).error).toBe('unsupported input: the file is zstd-compressed; decompress it first');
  });
});

describe('Utf8Text', () => {
  it('keeps characters split across chunks whole and drops a leading BOM', () => {
    const s = '\ufeff{"a":"é€😀"}';
    const bytes = Buffer.from(s);
    for (let k = 0; k <= bytes.length; k++) {
      const t = new Utf8Text();
      const out = t.write(bytes.subarray(0, k)) + t.write(bytes.subarray(k)) + t.end();
      expect(out).toBe('{"a":"é€😀"}');
    }
  });
});
