import { gzipSync } from 'node:zlib';
import { isGzip } from '../../src/util/gzip';

describe('isGzip: gzip by its magic bytes, whatever the name', () => {
  test('a gzip member, even an empty one, is gzip', () => {
    expect(isGzip(gzipSync('{"Records":[]}'))).toBe(true);
    expect(isGzip(gzipSync(''))).toBe(true);
  });

  test('JSON text, a lone first magic byte and nothing at all are not', () => {
    expect(isGzip(Buffer.from('{"Records":[]}'))).toBe(false);
    expect(isGzip(Buffer.from([0x1f]))).toBe(false);
    expect(isGzip(Buffer.from([0x1f, 0x00, 0x8b]))).toBe(false);
    expect(isGzip(Buffer.alloc(0))).toBe(false);
  });
});
