/**
 * A log file small enough is inflated whole, a larger one streamed (gzip-member.ts). Which path a
 * file takes must never change what is reported about it: same hash, same sizes, same trailing
 * bytes, or the same error word for word.
 */
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  inflateFirstMember,
  inflateFirstMemberStreamed,
  inflateFirstMemberToBuffer,
  WHOLE_MEMBER_MAX_INPUT,
  WHOLE_MEMBER_MAX_OUTPUT,
} from '../../src/integrity/gzip-member';

type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

async function bothPaths(gz: Buffer): Promise<[Outcome, Outcome]> {
  return [await outcome(inflateFirstMember(gz)), await outcome(inflateFirstMemberStreamed(gz))];
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

const record = (i: number): string => JSON.stringify({ eventName: `Describe${i}`, eventSource: 'ec2.amazonaws.com', eventID: `id-${i}` });
const logText = (n: number): string => JSON.stringify({ Records: Array.from({ length: n }, (_, i) => JSON.parse(record(i))) });

test('whole and streamed agree on valid, appended, truncated, corrupted and tampered-trailer files', async () => {
  const gz = gzipSync(logText(300));
  const tail = gzipSync('{"Records":[{"eventName":"Forged"}]}');
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.constant((b: Buffer) => b),
        fc.nat().map((k) => (b: Buffer) => b.subarray(0, k % (b.length + 1))),
        fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([k, x]) => (b: Buffer) => {
          const c = Buffer.from(b);
          c[k % c.length] ^= x;
          return c;
        }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => (b: Buffer) => Buffer.concat([b, Buffer.from(extra)])),
        fc.constant((b: Buffer) => Buffer.concat([b, tail])),
      ),
      async (mutate) => {
        const input = mutate(gz);
        const [whole, streamed] = await bothPaths(input);
        expect(whole).toEqual(streamed);
      },
    ),
    { numRuns: 300 },
  );
});

test('a trailer that lies about the size is a length mismatch on both paths, whatever it claims', async () => {
  const gz = gzipSync(logText(200));
  for (const claim of [0, 1, 65_535, 65_536, 0x7fffffff, 0xffffffff]) {
    const lying = Buffer.from(gz);
    lying.writeUInt32LE(claim, lying.length - 4);
    const [whole, streamed] = await bothPaths(lying);
    expect(whole).toEqual({ ok: false, name: 'GzipFormatError', message: 'gzip length mismatch' });
    expect(streamed).toEqual(whole);
  }
});

test('the whole path hashes what was written and reports a second member as trailing bytes', async () => {
  const text = logText(50);
  const a = gzipSync(text);
  const forged = gzipSync('{"Records":[{"eventName":"Forged"}]}');
  const r = await inflateFirstMember(Buffer.concat([a, forged]));
  expect(r).toEqual({ sha256: sha256(text), uncompressedBytes: Buffer.byteLength(text), trailingBytes: forged.length });
  const b = await inflateFirstMemberToBuffer(a);
  expect(b.data.toString('utf8')).toBe(text);
  expect(b.sha256).toBe(sha256(text));
});

test('files past the input cap, and bombs past the output cap, are streamed with the same result', async () => {
  // Incompressible, so the gzip file itself is over the whole-file input cap.
  const big = randomBytes(WHOLE_MEMBER_MAX_INPUT + 1024);
  const bigGz = gzipSync(big, { level: 1 });
  expect(bigGz.length).toBeGreaterThan(WHOLE_MEMBER_MAX_INPUT);
  expect(await inflateFirstMember(bigGz)).toEqual({ sha256: sha256(big), uncompressedBytes: big.length, trailingBytes: 0 });

  // Small on disk, past the output cap inflated.
  const zeros = Buffer.alloc(WHOLE_MEMBER_MAX_OUTPUT + 1);
  const bomb = gzipSync(zeros, { level: 9 });
  expect(bomb.length).toBeLessThan(WHOLE_MEMBER_MAX_INPUT);
  const [whole, streamed] = await bothPaths(bomb);
  expect(whole).toEqual({ ok: true, value: { sha256: sha256(zeros), uncompressedBytes: zeros.length, trailingBytes: 0 } });
  expect(streamed).toEqual(whole);
});
