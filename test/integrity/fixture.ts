/**
 * Builds a bucket the way CloudTrail fills it: log files in the real key layout, one digest per
 * hour per trail and region, signed with an RSA key the test owns, exactly as spec A.2-A.5
 * describes. Tampering helpers then change it the way an attacker (or an outage) would.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export const HOUR = 3_600_000;

export interface SigningKey {
  privateKey: KeyObject;
  /** PKCS#1 RSAPublicKey DER, as ListPublicKeys returns it. */
  der: Buffer;
  fingerprint: string;
}

export function makeKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: 'pkcs1' });
  return { privateKey, der, fingerprint: createHash('md5').update(der).digest('hex') };
}

export interface StoredFile {
  body: Buffer;
  metadata: Record<string, string>;
}

export class BucketTree {
  readonly objects = new Map<string, StoredFile>();
  constructor(readonly bucket: string) {}

  put(key: string, body: Buffer, metadata: Record<string, string> = {}): void {
    this.objects.set(key, { body, metadata });
  }

  delete(key: string): void {
    if (!this.objects.delete(key)) throw new Error(`fixture: no ${key} to delete`);
  }

  get(key: string): StoredFile {
    const o = this.objects.get(key);
    if (!o) throw new Error(`fixture: no ${key}`);
    return o;
  }

  /** A local mirror: files under dir, digest metadata in `<file>.metadata.json` sidecars. */
  writeMirror(dir: string): void {
    for (const [key, o] of this.objects) {
      const file = join(dir, ...key.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, o.body);
      if (Object.keys(o.metadata).length) writeFileSync(`${file}.metadata.json`, JSON.stringify(o.metadata));
    }
  }
}

export interface TrailSpec {
  account: string;
  /** Delivering region. */
  region: string;
  homeRegion: string;
  trailName: string;
  orgId?: string;
  prefix?: string;
}

export interface TrailOptions {
  key: SigningKey;
  /** End of the first digest window (second precision, not on the hour, as CloudTrail does). */
  firstEnd: Date;
  hours: number;
  logsPerHour?: number;
  /** Hours (0-based digest index) with no activity: an empty digest is still delivered. */
  emptyHours?: number[];
  /** Logging stopped: no logs and no digests for these hours; the next digest starts a new chain. */
  loggingOff?: { from: number; hours: number };
  /** Validation off: logs still delivered, no digests; the next digest starts a new chain. */
  validationOff?: { from: number; hours: number };
  /** Change a digest before it is signed (forged links, odd algorithms). */
  mutate?: (index: number, content: Record<string, unknown>) => void;
  /** Sign a digest with another key. */
  signer?: (index: number) => SigningKey | undefined;
}

export interface BuiltTrail {
  spec: TrailSpec;
  /** Digest key per hour index (undefined for hours with none). */
  digests: (string | undefined)[];
  /** Log keys per hour index. */
  logs: string[][];
}

const root = (s: TrailSpec): string => `${s.prefix ? `${s.prefix}/` : ''}AWSLogs/${s.orgId ? `${s.orgId}/` : ''}${s.account}/`;
const ymd = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '/');
const stampSec = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
const stampMin = (d: Date): string => stampSec(d).slice(0, 13) + 'Z';
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function digestKey(s: TrailSpec, end: Date, backfill = false): string {
  return `${root(s)}CloudTrail-Digest/${s.region}/${ymd(end)}/${s.account}_CloudTrail-Digest_${s.region}_${s.trailName}_${s.homeRegion}_${stampSec(end)}${backfill ? '_backfill' : ''}.json.gz`;
}

let uniq = 0;
export function logKey(s: TrailSpec, at: Date): string {
  const id = (uniq++).toString(36).toUpperCase().padStart(16, 'Q');
  return `${root(s)}CloudTrail/${s.region}/${ymd(at)}/${s.account}_CloudTrail_${s.region}_${stampMin(at)}_${id}.json.gz`;
}

export function logBody(s: TrailSpec, at: Date, n: number): Buffer {
  const rec = { eventVersion: '1.09', eventTime: iso(at), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: s.region, recipientAccountId: s.account, eventID: `e-${n}` };
  return gzipSync(Buffer.from(JSON.stringify({ Records: [rec] })));
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

export function inflatedSha256(gz: Buffer): string {
  return sha256(gunzipSync(gz));
}

/** Sign a digest's content as CloudTrail does and store it with its metadata. */
export function putDigest(tree: BucketTree, key: string, content: Record<string, unknown>, signer: SigningKey, extraMeta: Record<string, string> = {}): { signature: string; inflated: Buffer } {
  const inflated = Buffer.from(JSON.stringify(content));
  const prevSig = content.previousDigestSignature as string | null;
  const toSign = [content.digestEndTime, `${content.digestS3Bucket}/${content.digestS3Object}`, sha256(inflated), prevSig === null ? 'null' : prevSig].join('\n');
  const signature = sign('sha256', Buffer.from(toSign, 'utf8'), signer.privateKey).toString('hex');
  tree.put(key, gzipSync(inflated), { signature, 'signature-algorithm': 'SHA256withRSA', ...extraMeta });
  return { signature, inflated };
}

export function buildTrail(tree: BucketTree, spec: TrailSpec, o: TrailOptions): BuiltTrail {
  const built: BuiltTrail = { spec, digests: [], logs: [] };
  const inOff = (r: { from: number; hours: number } | undefined, h: number): boolean => !!r && h >= r.from && h < r.from + r.hours;
  let prev: { key: string; signature: string; inflated: Buffer } | null = null;
  let n = 0;
  for (let h = 0; h < o.hours; h++) {
    const end = new Date(o.firstEnd.getTime() + h * HOUR);
    const start = new Date(end.getTime() - HOUR);
    const logs: { key: string; body: Buffer; at: Date }[] = [];
    built.logs.push([]);
    if (!inOff(o.loggingOff, h) && !o.emptyHours?.includes(h)) {
      for (let i = 0; i < (o.logsPerHour ?? 2); i++) {
        const at = new Date(start.getTime() + (5 + i * 7) * 60_000);
        const key = logKey(spec, at);
        const body = logBody(spec, at, n++);
        tree.put(key, body);
        logs.push({ key, body, at });
        built.logs[h].push(key);
      }
    }
    if (inOff(o.loggingOff, h) || inOff(o.validationOff, h)) {
      built.digests.push(undefined);
      prev = null;
      continue;
    }
    const key = digestKey(spec, end);
    const content: Record<string, unknown> = {
      awsAccountId: spec.account,
      digestStartTime: iso(start),
      digestEndTime: iso(end),
      digestS3Bucket: tree.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: o.key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: logs.length ? iso(logs[logs.length - 1].at) : null,
      oldestEventTime: logs.length ? iso(logs[0].at) : null,
      previousDigestS3Bucket: prev ? tree.bucket : null,
      previousDigestS3Object: prev ? prev.key : null,
      previousDigestHashValue: prev ? sha256(prev.inflated) : null,
      previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
      previousDigestSignature: prev ? prev.signature : null,
      logFiles: logs.map((l) => ({
        s3Bucket: tree.bucket,
        s3Object: l.key,
        hashValue: inflatedSha256(l.body),
        hashAlgorithm: 'SHA-256',
        newestEventTime: iso(l.at),
        oldestEventTime: iso(l.at),
      })),
    };
    o.mutate?.(h, content);
    const signed = putDigest(tree, key, content, o.signer?.(h) ?? o.key);
    prev = { key, ...signed };
    built.digests.push(key);
  }
  return built;
}

/** A backfill digest (spec A.8) listing a file the hourly digest missed; starts its own chain. */
export function addBackfill(tree: BucketTree, spec: TrailSpec, key: SigningKey, windowEnd: Date, generatedAt: Date): { digest: string; log: string } {
  const at = new Date(windowEnd.getTime() - 30 * 60_000);
  const log = logKey(spec, at);
  const body = logBody(spec, at, 9999);
  tree.put(log, body);
  const dk = digestKey(spec, windowEnd, true);
  putDigest(
    tree,
    dk,
    {
      awsAccountId: spec.account,
      digestStartTime: iso(new Date(windowEnd.getTime() - HOUR)),
      digestEndTime: iso(windowEnd),
      digestS3Bucket: tree.bucket,
      digestS3Object: dk,
      digestPublicKeyFingerprint: key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: iso(at),
      oldestEventTime: iso(at),
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
      logFiles: [{ s3Bucket: tree.bucket, s3Object: log, hashValue: inflatedSha256(body), hashAlgorithm: 'SHA-256', newestEventTime: iso(at), oldestEventTime: iso(at) }],
    },
    key,
    { 'backfill-generation-timestamp': iso(generatedAt) },
  );
  return { digest: dk, log };
}

/** `aws cloudtrail list-public-keys` output for these keys (Value base64, epoch-second times). */
export function publicKeysJson(keys: SigningKey[], from: Date, to: Date): string {
  return JSON.stringify({
    PublicKeyList: keys.map((k) => ({
      Value: k.der.toString('base64'),
      ValidityStartTime: from.getTime() / 1000,
      ValidityEndTime: to.getTime() / 1000,
      Fingerprint: k.fingerprint,
    })),
  });
}
