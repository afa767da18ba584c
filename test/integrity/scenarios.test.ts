import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { validateLogs } from '../../src/integrity/validate';
import { toFindings } from '../../src/integrity/to-findings';
import { StaticKeyProvider } from '../../src/integrity/key-provider';
import { parsePublicKeyFile } from '../../src/integrity/public-keys';
import { LocalMirrorStore } from '../../src/sources/local-mirror-store';
import type { Finding, FileSubject } from '../../src/model/finding';
import { addBackfill, BucketTree, buildTrail, type BuiltTrail, HOUR, logBody, logKey, makeKey, publicKeysJson, type SigningKey, type TrailOptions, type TrailSpec } from './fixture';

const BUCKET = 'audit-logs';
const FIRST_END = new Date('2026-11-20T01:01:31Z');
const START = new Date('2026-11-20T00:00:00Z');
const END = new Date('2026-11-20T08:00:00Z');
const HOURS = 8;
const EAST: TrailSpec = { account: '111122223333', region: 'us-east-1', homeRegion: 'us-east-1', trailName: 'audit', prefix: 'ct' };
const WEST: TrailSpec = { ...EAST, region: 'eu-west-1' };

let key: SigningKey;
let westKey: SigningKey;
let other: SigningKey;
const dirs: string[] = [];

beforeAll(() => {
  key = makeKey();
  westKey = makeKey();
  other = makeKey();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Setup {
  tree: BucketTree;
  east: BuiltTrail;
  west: BuiltTrail;
}

/** Two regions of one multi-region trail, 8 hourly digests each, 2 log files an hour. */
function setup(eastOpts: Partial<TrailOptions> = {}): Setup {
  const tree = new BucketTree(BUCKET);
  const east = buildTrail(tree, EAST, { key, firstEnd: FIRST_END, hours: HOURS, ...eastOpts });
  const west = buildTrail(tree, WEST, { key: westKey, firstEnd: FIRST_END, hours: HOURS });
  return { tree, east, west };
}

async function run(tree: BucketTree, opts: { start?: Date; end?: Date; accounts?: string[]; prefix?: string; keys?: SigningKey[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tp-integrity-'));
  dirs.push(dir);
  tree.writeMirror(dir);
  const entries = [
    ...parsePublicKeyFile(publicKeysJson(opts.keys ?? [key], START, END), 'us-east-1').entries,
    ...parsePublicKeyFile(publicKeysJson([westKey], START, END), 'eu-west-1').entries,
  ];
  const result = await validateLogs({
    store: new LocalMirrorStore(new Map([[BUCKET, dir]])),
    bucket: BUCKET,
    prefix: opts.prefix ?? 'ct',
    start: opts.start ?? START,
    end: opts.end ?? END,
    filters: { accounts: opts.accounts },
    keys: new StaticKeyProvider(entries),
    concurrency: 4,
    uncovered: true,
  });
  return { result, ...toFindings(result) };
}

/** Every finding that is not a pass, as `rule key-tail codes`: the exact report a scenario expects. */
function problems(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.status !== 'pass')
    .map((f) => {
      const s = f.subject as FileSubject;
      const codes = (f.evidence.reasons as { code: string }[]).map((r) => r.code).join(',');
      return `${f.ruleId} ${f.status} ${s.key.split('/').pop()} ${codes}`;
    })
    .sort();
}

const tail = (k: string | undefined): string => k!.split('/').pop()!;

test('an untampered tree of two regions validates clean, every file accounted for', async () => {
  const { tree, east, west } = setup();
  const { findings, inputs, result } = await run(tree);
  expect(problems(findings)).toEqual([]);
  expect(result.errors).toEqual([]);
  const byRule = (id: string) => findings.filter((f) => f.ruleId === id && f.status === 'pass').length;
  expect(byRule('integrity.digest-file')).toBe(16);
  expect(byRule('integrity.log-file')).toBe(32);
  expect(inputs.filter((i) => i.kind === 'cloudtrail-digest')).toHaveLength(16);
  expect(inputs.filter((i) => i.kind === 'cloudtrail-log' && i.status === 'processed')).toHaveLength(32);
  const allLogs = [...east.logs.flat(), ...west.logs.flat()].sort();
  expect(findings.filter((f) => f.ruleId === 'integrity.log-file').map((f) => (f.subject as FileSubject).key).sort()).toEqual(allLogs);
  expect(result.chains.map((c) => [c.chain.sourceRegion, c.validDigests, c.from, c.to]).sort()).toEqual([
    ['eu-west-1', 8, '2026-11-20T00:01:31Z', '2026-11-20T08:01:31Z'],
    ['us-east-1', 8, '2026-11-20T00:01:31Z', '2026-11-20T08:01:31Z'],
  ]);
  // ids are stable: same subject, same id
  const again = await run(tree);
  expect(again.findings.map((f) => f.id).sort()).toEqual(findings.map((f) => f.id).sort());
});

test('modified log file: hash mismatch on that file only', async () => {
  const { tree, east } = setup();
  const victim = east.logs[3][0];
  tree.put(victim, gzipSync(Buffer.from('{"Records":[]}')));
  expect(problems((await run(tree)).findings)).toEqual([`integrity.log-file fail ${tail(victim)} hash-mismatch`]);
});

test('deleted log file: not found', async () => {
  const { tree, east } = setup();
  tree.delete(east.logs[2][1]);
  expect(problems((await run(tree)).findings)).toEqual([`integrity.log-file fail ${tail(east.logs[2][1])} not-found`]);
});

test('gzip member appended to a log: hash of the first member still matches, appended data reported', async () => {
  const { tree, east } = setup();
  const victim = east.logs[5][0];
  const o = tree.get(victim);
  tree.put(victim, Buffer.concat([o.body, gzipSync(Buffer.from('{"Records":[{"eventName":"ConsoleLogin"}]}'))]));
  const { findings } = await run(tree);
  expect(problems(findings)).toEqual([`integrity.log-file fail ${tail(victim)} trailing-data`]);
  expect(findings.find((f) => f.status === 'fail')!.evidence.trailingBytes).toBeGreaterThan(20);
});

test('log that is not gzip: invalid format', async () => {
  const { tree, east } = setup();
  tree.put(east.logs[1][0], Buffer.from('{"Records":[]}'));
  expect(problems((await run(tree)).findings)).toEqual([`integrity.log-file fail ${tail(east.logs[1][0])} invalid-format`]);
});

test('modified digest: signature fails; its log files are then covered by no valid digest', async () => {
  const { tree, east } = setup();
  const k = east.digests[4]!;
  const o = tree.get(k);
  const text = require('node:zlib').gunzipSync(o.body).toString().replace(east.logs[4][0].split('/').pop()!, tail(east.logs[3][0]));
  tree.put(k, gzipSync(Buffer.from(text)), o.metadata);
  expect(problems((await run(tree)).findings)).toEqual(
    [
      `integrity.digest-file fail ${tail(k)} signature-invalid`,
      `integrity.log-uncovered fail ${tail(east.logs[4][0])} uncovered`,
      `integrity.log-uncovered fail ${tail(east.logs[4][1])} uncovered`,
    ].sort(),
  );
});

test('deleted digest: not found, named through the newer digest link', async () => {
  const { tree, east } = setup();
  tree.delete(east.digests[5]!);
  const { findings } = await run(tree);
  expect(problems(findings)).toEqual(
    [
      `integrity.digest-file fail ${tail(east.digests[5])} not-found`,
      `integrity.log-uncovered fail ${tail(east.logs[5][0])} uncovered`,
      `integrity.log-uncovered fail ${tail(east.logs[5][1])} uncovered`,
    ].sort(),
  );
});

test('two consecutive deleted digests are two findings (aws-cli reports one), the second with its exact key', async () => {
  const { tree, east } = setup();
  tree.delete(east.digests[5]!);
  tree.delete(east.digests[4]!);
  const { findings } = await run(tree);
  expect(problems(findings)).toEqual(
    [
      `integrity.digest-file fail ${tail(east.digests[5])} not-found`,
      `integrity.digest-file fail ${tail(east.digests[4])} not-found-unlisted`,
      ...[4, 5].flatMap((h) => east.logs[h].map((l) => `integrity.log-uncovered fail ${tail(l)} uncovered`)),
    ].sort(),
  );
  // the predicted key is the real key of the deleted digest
  expect(findings.some((f) => (f.subject as FileSubject).key === east.digests[4] && f.evidence.estimatedKey === true)).toBe(true);
});

test('three deleted in a row: three findings', async () => {
  const { tree, east } = setup();
  for (const h of [3, 4, 5]) tree.delete(east.digests[h]!);
  const digestFails = problems((await run(tree)).findings).filter((p) => p.startsWith('integrity.digest-file'));
  expect(digestFails).toEqual(
    [
      `integrity.digest-file fail ${tail(east.digests[5])} not-found`,
      `integrity.digest-file fail ${tail(east.digests[4])} not-found-unlisted`,
      `integrity.digest-file fail ${tail(east.digests[3])} not-found-unlisted`,
    ].sort(),
  );
});

test('digest signed with another key under the right fingerprint: signature fails', async () => {
  const { tree, east } = setup({ signer: (h) => (h === 6 ? other : undefined) });
  expect(problems((await run(tree)).findings).filter((p) => p.startsWith('integrity.digest-file'))).toEqual([`integrity.digest-file fail ${tail(east.digests[6])} signature-invalid`]);
});

test('digest naming a key nobody listed: public key not found; a key of another region: named as such', async () => {
  const a = setup({ mutate: (h, c) => void (h === 2 && (c.digestPublicKeyFingerprint = other.fingerprint)), signer: (h) => (h === 2 ? other : undefined) });
  expect(problems((await run(a.tree)).findings).filter((p) => p.startsWith('integrity.digest-file'))).toEqual([`integrity.digest-file fail ${tail(a.east.digests[2])} public-key-not-found`]);
  const b = setup({ mutate: (h, c) => void (h === 2 && (c.digestPublicKeyFingerprint = westKey.fingerprint)), signer: (h) => (h === 2 ? westKey : undefined) });
  expect(problems((await run(b.tree)).findings).filter((p) => p.startsWith('integrity.digest-file'))).toEqual([`integrity.digest-file fail ${tail(b.east.digests[2])} key-region-mismatch`]);
});

test('forged chain link: previous hash or previous signature that does not match the digest found', async () => {
  const a = setup({ mutate: (h, c) => void (h === 3 && (c.previousDigestHashValue = '0'.repeat(64))) });
  expect(problems((await run(a.tree)).findings)).toEqual([`integrity.digest-file fail ${tail(a.east.digests[3])} chain-hash-mismatch`]);
  const b = setup({ mutate: (h, c) => void (h === 3 && (c.previousDigestSignature = 'ab'.repeat(256))) });
  expect(problems((await run(b.tree)).findings)).toEqual([`integrity.digest-file fail ${tail(b.east.digests[3])} chain-signature-mismatch`]);
});

test('bad signature algorithm in the metadata or in the content', async () => {
  const a = setup();
  const k = a.east.digests[1]!;
  const o = a.tree.get(k);
  a.tree.put(k, o.body, { ...o.metadata, 'signature-algorithm': 'SHA1withRSA' });
  expect(problems((await run(a.tree)).findings).filter((p) => p.startsWith('integrity.digest-file'))).toEqual([`integrity.digest-file fail ${tail(k)} algorithm-unsupported`]);
  const b = setup({ mutate: (h, c) => void (h === 1 && (c.digestSignatureAlgorithm = 'MD5withRSA')) });
  expect(problems((await run(b.tree)).findings).filter((p) => p.startsWith('integrity.digest-file'))).toEqual([`integrity.digest-file fail ${tail(b.east.digests[1])} algorithm-unsupported`]);
});

test('missing signature metadata (a digest copied without its metadata)', async () => {
  const { tree, east } = setup();
  const k = east.digests[7]!;
  tree.put(k, tree.get(k).body, {});
  // the newest digest: its files are claimed by a digest that did not verify, so not merely "pending"
  expect(problems((await run(tree)).findings)).toEqual(
    [`integrity.digest-file fail ${tail(k)} signature-missing`, ...east.logs[7].map((l) => `integrity.log-uncovered fail ${tail(l)} uncovered`)].sort(),
  );
});

test('hole between windows: a linked digest whose window does not start where the previous ended', async () => {
  const { tree, east } = setup({ mutate: (h, c) => void (h === 4 && (c.digestStartTime = '2026-11-20T04:11:31Z')) });
  expect(problems((await run(tree)).findings)).toEqual([`integrity.digest-file fail ${tail(east.digests[4])} window-hole`]);
});

test('logging stopped for two hours: one gap, no uncovered files', async () => {
  const { tree, east } = setup({ loggingOff: { from: 3, hours: 2 } });
  const { findings, result } = await run(tree);
  expect(problems(findings)).toEqual([`integrity.digest-gap fail ${tail(east.digests[5])} gap`]);
  expect(result.gaps.map((g) => [g.from, g.to])).toEqual([['2026-11-20T03:01:31Z', '2026-11-20T05:01:31Z']]);
});

test('validation off for two hours: a gap, and the logs delivered meanwhile are uncovered', async () => {
  const { tree, east } = setup({ validationOff: { from: 3, hours: 2 } });
  expect(problems((await run(tree)).findings)).toEqual(
    [`integrity.digest-gap fail ${tail(east.digests[5])} gap`, ...[3, 4].flatMap((h) => east.logs[h].map((l) => `integrity.log-uncovered fail ${tail(l)} uncovered`))].sort(),
  );
});

test('a log file slipped into the bucket is uncovered; one delivered after the newest digest is pending', async () => {
  const { tree } = setup();
  const planted = logKey(EAST, new Date('2026-11-20T04:20:00Z'));
  tree.put(planted, logBody(EAST, new Date('2026-11-20T04:20:00Z'), 1));
  const late = logKey(EAST, new Date('2026-11-20T07:59:00Z'));
  tree.put(late, logBody(EAST, new Date('2026-11-20T07:59:00Z'), 2));
  const { findings } = await run(tree, { end: new Date('2026-11-20T08:00:00Z') });
  // 07:59 is before the newest digest's end (08:01:31) but within the delivery slack
  expect(problems(findings)).toEqual([`integrity.log-uncovered fail ${tail(planted)} uncovered`, `integrity.log-uncovered not-applicable ${tail(late)} uncovered`].sort());
});

test('empty-hour digest: no log files, still valid and on the chain', async () => {
  const { tree, east } = setup({ emptyHours: [2, 3] });
  const { findings } = await run(tree);
  expect(problems(findings)).toEqual([]);
  const d = findings.find((f) => (f.subject as FileSubject).key === east.digests[2])!;
  expect(d.status).toBe('pass');
  expect(d.evidence.logFiles).toBe(0);
});

test('backfill digest: validated as its own chain, with keys fetched around its generation time; its log is covered', async () => {
  const { tree } = setup();
  const bf = addBackfill(tree, EAST, key, new Date('2026-11-20T03:01:31Z'), new Date('2026-11-20T05:00:00Z'));
  const { findings } = await run(tree);
  expect(problems(findings)).toEqual([]);
  expect(findings.find((f) => (f.subject as FileSubject).key === bf.digest)?.message).toBe('(backfill) digest valid');
  expect(findings.find((f) => (f.subject as FileSubject).key === bf.log)?.status).toBe('pass');
  // without its metadata timestamp a backfill digest is invalid (aws-cli: invalid format)
  const o = tree.get(bf.digest);
  const { 'backfill-generation-timestamp': _, ...rest } = o.metadata;
  tree.put(bf.digest, o.body, rest);
  const again = problems((await run(tree, { keys: [] })).findings);
  expect(again).toContain(`integrity.digest-file fail ${tail(bf.digest)} invalid-format`);
});

test('digest moved to another key: reported as moved, off the chain', async () => {
  const { tree, east } = setup();
  const k = east.digests[5]!;
  const moved = k.replace('T060131Z', 'T063131Z');
  expect(moved).not.toBe(k);
  tree.put(moved, tree.get(k).body, tree.get(k).metadata);
  const ps = problems((await run(tree)).findings);
  expect(ps).toEqual([`integrity.digest-file fail ${tail(moved)} not-on-chain,moved`]);
});

test('organization trail: o-id segment, two member accounts, account filter', async () => {
  const tree = new BucketTree(BUCKET);
  const a: TrailSpec = { account: '444455556666', region: 'us-east-1', homeRegion: 'us-east-1', trailName: 'org-trail', orgId: 'o-a1b2c3d4e5' };
  const b: TrailSpec = { ...a, account: '777788889999' };
  buildTrail(tree, a, { key, firstEnd: FIRST_END, hours: 4 });
  const bb = buildTrail(tree, b, { key, firstEnd: FIRST_END, hours: 4 });
  tree.delete(bb.logs[1][0]);
  const all = await run(tree, { prefix: '', end: new Date('2026-11-20T04:00:00Z') });
  expect(all.findings.filter((f) => f.ruleId === 'integrity.digest-file' && f.status === 'pass')).toHaveLength(8);
  expect(problems(all.findings)).toEqual([`integrity.log-file fail ${tail(bb.logs[1][0])} not-found`]);
  const onlyA = await run(tree, { prefix: '', end: new Date('2026-11-20T04:00:00Z'), accounts: ['444455556666'] });
  expect(problems(onlyA.findings)).toEqual([]);
  expect(new Set(onlyA.findings.map((f) => (f.subject as FileSubject).account))).toEqual(new Set(['444455556666']));
});

test('time range: only digests from the start on, up to two hours past the end', async () => {
  const { tree, east } = setup();
  tree.delete(east.digests[0]!); // before the range: never looked at
  const { findings } = await run(tree, { start: new Date('2026-11-20T03:30:00Z'), end: new Date('2026-11-20T04:30:00Z') });
  const digests = findings.filter((f) => f.ruleId === 'integrity.digest-file' && (f.subject as FileSubject).region === 'us-east-1').map((f) => (f.subject as FileSubject).key);
  // 04:01:31 covers 03:30 (its window starts before the range, so the walk stops there); 05:01 and
  // 06:01 list files delivered up to the end; 07:01 is more than two hours past it
  expect(digests.sort()).toEqual([east.digests[3], east.digests[4], east.digests[5]].sort());
  expect(problems(findings)).toEqual([]);
  expect(HOUR).toBe(3_600_000);
});

test('signed content that contradicts its key: another account, an unknown log hash algorithm', async () => {
  const a = setup({ mutate: (h, c) => void (h === 2 && (c.awsAccountId = '999999999999')) });
  expect(problems((await run(a.tree)).findings).filter((p) => p.startsWith('integrity.digest-file'))).toEqual([`integrity.digest-file fail ${tail(a.east.digests[2])} account-mismatch`]);
  const b = setup({ mutate: (h, c) => void (h === 2 && ((c.logFiles as { hashAlgorithm: string }[])[0].hashAlgorithm = 'MD5')) });
  expect(problems((await run(b.tree)).findings)).toEqual([`integrity.log-file fail ${tail(b.east.logs[2][0])} hash-algorithm-unsupported`]);
});
