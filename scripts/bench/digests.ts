import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseLogKey } from '../../src/integrity/key-layout';

/**
 * A bucket mirror that `validate-logs --local` accepts, over the log files generateTrail wrote:
 * the logs (hard links, so the bytes read are the very same files), one digest per hour per
 * delivering region in the real key layout, each chained to the one before through
 * previousDigestS3Object / HashValue / Signature and signed with a fresh RSA key, the signature in
 * a `<digest>.metadata.json` sidecar, and the public key saved as `aws cloudtrail
 * list-public-keys` prints it. The mirror lives outside the generated trail so the event
 * benchmarks never see digest files.
 */

const HOUR = 3_600_000;
/** CloudTrail's digest windows are hourly but not on the hour. */
const WINDOW_OFFSET = 17 * 60_000 + 28_000;

export const BENCH_BUCKET = 'trailproof-bench';
export const BENCH_TRAIL = 'bench-trail';
const MANIFEST = 'trail.json';

export interface DigestedTrail {
  /** Mirror root: the bucket's keys are paths under it. */
  mirror: string;
  bucket: string;
  /** `aws cloudtrail list-public-keys` output for the signing key. */
  keysFile: string;
  /** Log file keys the digests list, in key order. */
  logKeys: string[];
  digests: number;
  /** First digest's start and last digest's end: the range to validate. */
  start: Date;
  end: Date;
  /** Compressed bytes of the listed logs. */
  bytes: number;
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const stampSec = (d: Date): string => iso(d).replace(/[-:]/g, '');
const ymd = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '/');
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * `logRoot` is the directory generateTrail wrote (keys are paths under it); `files` its files.
 * The mirror goes to `<workDir>/<bucket>`, the key file to `<workDir>/public-keys.json`.
 * Every file must be a CloudTrail log key; each is listed by the digest whose window holds the
 * time in its name.
 */
export function writeDigests(logRoot: string, files: readonly string[], workDir: string, bucket = BENCH_BUCKET): DigestedTrail {
  const mirror = join(workDir, bucket);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: 'pkcs1' });
  const fingerprint = createHash('md5').update(der).digest('hex');

  // chain (account, region) -> window index -> log keys
  const chains = new Map<string, { account: string; region: string; windows: Map<number, { key: string; time: Date }[]> }>();
  const logKeys: string[] = [];
  let bytes = 0;
  let first = Infinity;
  for (const file of files) {
    const key = relative(logRoot, file).split(sep).join('/');
    const lk = parseLogKey(key);
    if (!lk) throw new Error(`bench digests: not a CloudTrail log key: ${key}`);
    const target = join(mirror, ...key.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    try {
      linkSync(file, target);
    } catch {
      copyFileSync(file, target);
    }
    logKeys.push(key);
    first = Math.min(first, lk.time.getTime());
    const id = `${lk.account}|${lk.region}`;
    let c = chains.get(id);
    if (!c) {
      c = { account: lk.account, region: lk.region, windows: new Map() };
      chains.set(id, c);
    }
    const w = Math.floor((lk.time.getTime() - WINDOW_OFFSET) / HOUR);
    let list = c.windows.get(w);
    if (!list) c.windows.set(w, (list = []));
    list.push({ key, time: lk.time });
  }
  if (!chains.size) throw new Error('bench digests: no log files');

  let digests = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const c of chains.values()) {
    const ws = [...c.windows.keys()];
    const [lo, hi] = [Math.min(...ws), Math.max(...ws)];
    let prev: { key: string; signature: string; inflated: Buffer } | null = null;
    // Every hour gets a digest, empty or not, as CloudTrail delivers them.
    for (let w = lo; w <= hi; w++) {
      const from = new Date(w * HOUR + WINDOW_OFFSET);
      const to = new Date(from.getTime() + HOUR);
      start = Math.min(start, from.getTime());
      end = Math.max(end, to.getTime());
      const logs = (c.windows.get(w) ?? []).sort((a, b) => (a.key < b.key ? -1 : 1));
      const key = `AWSLogs/${c.account}/CloudTrail-Digest/${c.region}/${ymd(to)}/${c.account}_CloudTrail-Digest_${c.region}_${BENCH_TRAIL}_${c.region}_${stampSec(to)}.json.gz`;
      const content: Record<string, unknown> & { digestEndTime: string } = {
        awsAccountId: c.account,
        digestStartTime: iso(from),
        digestEndTime: iso(to),
        digestS3Bucket: bucket,
        digestS3Object: key,
        digestPublicKeyFingerprint: fingerprint,
        digestSignatureAlgorithm: 'SHA256withRSA',
        newestEventTime: logs.length ? iso(logs[logs.length - 1].time) : null,
        oldestEventTime: logs.length ? iso(logs[0].time) : null,
        previousDigestS3Bucket: prev ? bucket : null,
        previousDigestS3Object: prev ? prev.key : null,
        previousDigestHashValue: prev ? sha256(prev.inflated) : null,
        previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
        previousDigestSignature: prev ? prev.signature : null,
        logFiles: logs.map((l) => ({
          s3Bucket: bucket,
          s3Object: l.key,
          // The digest records the SHA-256 of the log as it was written: uncompressed (spec A.6).
          hashValue: sha256(gunzipSync(readFileSync(join(logRoot, ...l.key.split('/'))))),
          hashAlgorithm: 'SHA-256',
          newestEventTime: iso(l.time),
          oldestEventTime: iso(l.time),
        })),
      };
      const inflated: Buffer = Buffer.from(JSON.stringify(content));
      const toSign: string = [content.digestEndTime, `${bucket}/${key}`, sha256(inflated), prev ? prev.signature : 'null'].join('\n');
      const signature: string = sign('sha256', Buffer.from(toSign, 'utf8'), privateKey).toString('hex');
      const file = join(mirror, ...key.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, gzipSync(inflated));
      writeFileSync(`${file}.metadata.json`, JSON.stringify({ signature, 'signature-algorithm': 'SHA256withRSA' }));
      prev = { key, signature, inflated };
      digests++;
    }
  }
  for (const k of logKeys) bytes += statSync(join(mirror, ...k.split('/'))).size;

  const keysFile = join(workDir, 'public-keys.json');
  const trail: DigestedTrail = { mirror, bucket, keysFile, logKeys: logKeys.sort(), digests, start: new Date(start), end: new Date(end), bytes };
  writeFileSync(join(workDir, MANIFEST), JSON.stringify(trail));
  writeFileSync(
    keysFile,
    JSON.stringify({
      PublicKeyList: [{ Value: der.toString('base64'), ValidityStartTime: start / 1000 - 86_400, ValidityEndTime: end / 1000 + 86_400, Fingerprint: fingerprint }],
    }),
  );
  return trail;
}

/** What writeDigests made, for a benchmark phase running in another process. */
export function readDigestedTrail(workDir: string): DigestedTrail {
  const raw = JSON.parse(readFileSync(join(workDir, MANIFEST), 'utf8')) as DigestedTrail & { start: string; end: string };
  return { ...raw, start: new Date(raw.start), end: new Date(raw.end) };
}
