/**
 * Manual cross-check against aws-cli (not run by jest; CI has no aws-cli): serves one bucket per
 * tamper scenario from s3rver and ListPublicKeys from the loopback CloudTrail, then stays up.
 * `bash test/integrity/crosscheck/run.sh` starts it and runs both validators on every scenario.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeCrypto = require('crypto');
import { gzipSync, gunzipSync } from 'node:zlib';
import * as s3 from '@aws-sdk/client-s3';
import { addBackfill, BucketTree, buildTrail, makeKey, logKey, logBody, type TrailOptions, type TrailSpec } from '../fixture';
import { startCloudTrail } from '../cloudtrail-server';
const S3rver = require('s3rver');

const orig = nodeCrypto.createCipheriv, origD = nodeCrypto.createDecipheriv;
const ede = (a: string, k: Buffer): [string, Buffer] => (a === 'des' ? ['des-ede3-cbc', Buffer.concat([k, k, k])] : [a, k]);
(nodeCrypto as { createCipheriv: unknown }).createCipheriv = (a: string, k: Buffer, iv: Buffer) => orig(...ede(a, k), iv);
(nodeCrypto as { createDecipheriv: unknown }).createDecipheriv = (a: string, k: Buffer, iv: Buffer) => origD(...ede(a, k), iv);

/** Where the endpoints and scenario names are written for run.sh. */
const OUT = process.argv[2] ?? tmpdir();

const SPEC: TrailSpec = { account: '111122223333', region: 'us-east-1', homeRegion: 'us-east-1', trailName: 'audit', prefix: 'ct' };
const FIRST_END = new Date('2026-11-20T01:01:31Z');
const key = makeKey(); const other = makeKey();
type S = { name: string; spec?: TrailSpec; opts?: Partial<TrailOptions>; tamper?: (t: BucketTree, b: ReturnType<typeof buildTrail>) => void };
const scenarios: S[] = [
  { name: 'clean' },
  { name: 'modlog', tamper: (t, b) => t.put(b.logs[3][0], gzipSync(Buffer.from('{"Records":[]}'))) },
  { name: 'dellog', tamper: (t, b) => t.delete(b.logs[2][1]) },
  { name: 'append', tamper: (t, b) => { const o = t.get(b.logs[5][0]); t.put(b.logs[5][0], Buffer.concat([o.body, gzipSync(Buffer.from('{"Records":[{"eventName":"X"}]}'))])); } },
  { name: 'moddigest', tamper: (t, b) => { const o = t.get(b.digests[4]!); t.put(b.digests[4]!, gzipSync(Buffer.from(gunzipSync(o.body).toString().replace('"awsAccountId"', '"awsAccountId" '))), o.metadata); } },
  { name: 'deldigest', tamper: (t, b) => t.delete(b.digests[5]!) },
  { name: 'del2digest', tamper: (t, b) => { t.delete(b.digests[5]!); t.delete(b.digests[4]!); } },
  { name: 'otherkey', opts: { signer: (h) => (h === 6 ? other : undefined) } },
  { name: 'forgedlink', opts: { mutate: (h, c) => void (h === 3 && (c.previousDigestHashValue = '0'.repeat(64))) } },
  { name: 'badalg', tamper: (t, b) => { const o = t.get(b.digests[1]!); t.put(b.digests[1]!, o.body, { ...o.metadata, 'signature-algorithm': 'SHA1withRSA' }); } },
  { name: 'hole', opts: { mutate: (h, c) => void (h === 4 && (c.digestStartTime = '2026-11-20T04:11:31Z')) } },
  { name: 'loggingoff', opts: { loggingOff: { from: 3, hours: 2 } } },
  { name: 'validationoff', opts: { validationOff: { from: 3, hours: 2 } } },
  { name: 'planted', tamper: (t) => { const at = new Date('2026-11-20T04:20:00Z'); t.put(logKey(SPEC, at), logBody(SPEC, at, 1)); } },
  { name: 'org', spec: { account: '222233334444', region: 'us-east-1', homeRegion: 'us-east-1', trailName: 'audit', prefix: 'ct', orgId: 'o-exampleorg1' } },
  { name: 'backfill', tamper: (t) => void addBackfill(t, SPEC, key, new Date('2026-11-20T03:01:31Z'), new Date('2026-11-20T05:00:00Z')) },
  { name: 'backfillbad', tamper: (t) => { const b = addBackfill(t, SPEC, key, new Date('2026-11-20T03:01:31Z'), new Date('2026-11-20T05:00:00Z')); t.put(b.log, gzipSync(Buffer.from('{"Records":[]}'))); } },
  { name: 'nometa', tamper: (t, b) => t.put(b.digests[7]!, t.get(b.digests[7]!).body, {}) },
];
(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xc-s3-'));
  const srv = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: scenarios.map((s) => ({ name: `xc-${s.name}` })) });
  const addr = await srv.run();
  const endpoint = `http://127.0.0.1:${addr.port}`;
  const client = new s3.S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  for (const s of scenarios) {
    const t = new BucketTree(`xc-${s.name}`);
    const b = buildTrail(t, s.spec ?? SPEC, { key, firstEnd: FIRST_END, hours: 8, ...(s.opts ?? {}) });
    s.tamper?.(t, b);
    for (const [Key, o] of t.objects) await client.send(new s3.PutObjectCommand({ Bucket: t.bucket, Key, Body: o.body, Metadata: o.metadata }));
  }
  const ct = await startCloudTrail({ keys: { 'us-east-1': [key] }, validity: [new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')] });
  writeFileSync(join(OUT, 'env'), `S3=${endpoint}\nCT=${ct.url}\nSCEN="${scenarios.map((s) => s.name).join(' ')}"\n`);
  writeFileSync(join(OUT, 'keys.json'), JSON.stringify({ PublicKeyList: [{ Value: key.der.toString('base64'), Fingerprint: key.fingerprint }] }));
  console.log('ready', endpoint, ct.url);
})();
