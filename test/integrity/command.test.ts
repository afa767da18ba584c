/** `trailproof validate-logs` on a local mirror: options, exit codes, lines, findings.json. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { FileSubject, FindingsDocument } from '../../src/model/finding';
import { findingsSchemaProblems } from '../../reports/json';
import { reportWriters } from '../../reports/registry';
import { BucketTree, buildTrail, type BuiltTrail, makeKey, publicKeysJson, type SigningKey, type TrailSpec } from './fixture';

const SPEC: TrailSpec = { account: '210987654321', region: 'ap-southeast-2', homeRegion: 'us-west-2', trailName: 'main_trail' };
let base: string;
let mirror: string;
let keysFile: string;
let built: BuiltTrail;
let key: SigningKey;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tp-cmd-'));
  mirror = join(base, 'mirror');
  key = makeKey();
  const tree = new BucketTree('my-trail-bucket');
  built = buildTrail(tree, SPEC, { key, firstEnd: new Date('2026-03-01T23:30:05Z'), hours: 4 });
  tree.writeMirror(mirror);
  keysFile = join(base, 'keys.json');
  writeFileSync(keysFile, publicKeysJson([key], new Date('2026-01-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z')));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(['validate-logs', ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

const common = () => ['--local', mirror, '--s3-bucket', 'my-trail-bucket', '--public-keys', `ap-southeast-2=${keysFile}`, '--start-time', '2026-03-01T22:00:00', '--end-time', '2026-03-02T02:00:00Z'];

test('clean mirror across midnight: exit 0, quiet by default, every file a line with --verbose', async () => {
  const out = join(base, 'out-clean');
  const quiet = await cli([...common(), '--out', out]);
  expect(quiet.err).toBe('');
  expect(quiet.code).toBe(0);
  expect(quiet.out).not.toContain('\tvalid');
  expect(quiet.out).toContain('4/4 digest files valid');
  expect(quiet.out).toContain('8/8 log files valid');
  const verbose = await cli([...common(), '--out', out, '--verbose']);
  expect(verbose.out.split('\n').filter((l) => l.endsWith('\tvalid'))).toHaveLength(12);
  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
  expect(findingsSchemaProblems(doc)).toEqual([]);
  expect(doc.summary.byStatus).toEqual({ pass: 12 });
  expect(doc.inputs.map((i) => i.path).sort()).toEqual(
    [...built.digests, ...built.logs.flat()].map((k) => join(mirror, ...k!.split('/'))).sort(),
  );
  // the trail name has an underscore and the home region differs from the delivering one
  const d = doc.findings.find((f) => f.subject.kind === 'digest-file')!;
  expect(d.evidence).toMatchObject({ trail: 'main_trail', homeRegion: 'us-west-2' });
  expect((d.subject as FileSubject).region).toBe('ap-southeast-2');
});

test('a tampered mirror: exit 1, the invalid file named on stdout, reports in every format', async () => {
  const tampered = join(base, 'tampered');
  const tree = new BucketTree('my-trail-bucket');
  const b = buildTrail(tree, SPEC, { key, firstEnd: new Date('2026-03-01T23:30:05Z'), hours: 4 });
  tree.delete(b.logs[1][1]);
  tree.writeMirror(tampered);
  const out = join(base, 'out-tampered');
  const r = await cli([...common().map((a) => (a === mirror ? tampered : a)), '--out', out, '--format', 'all']);
  expect(r.code).toBe(1);
  expect(r.out).toContain(`Log file\t${join(tampered, ...b.logs[1][1].split('/'))}\tINVALID: not found`);
  // Every format of the registry, through the path scan takes (reports/finish.ts): the verdict in
  // the reports is the one the exit code follows.
  for (const w of reportWriters()) expect({ file: w.file, written: existsSync(join(out, w.file)) }).toEqual({ file: w.file, written: true });
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  expect(md).toContain('integrity.log-file');
  expect(md.split('\n')[1]).toMatch(/^## trailproof: ❌ FAIL: \d+ failing finding\(s\) at or above low/);
});

test('filters: a region with no digests gives "No digests found" and exit 2 (nothing was validated); trail-arn picks the trail', async () => {
  const none = await cli([...common(), '--region', 'eu-north-1', '--out', join(base, 'o1')]);
  expect(none.code).toBe(2);
  expect(none.out).toContain('No digests found');
  expect(none.err).toMatch(/no digest or log files found .* nothing was validated/);
  expect(existsSync(join(base, 'o1', 'findings.json'))).toBe(true);
  const arn = await cli([...common(), '--trail-arn', 'arn:aws:cloudtrail:us-west-2:210987654321:trail/main_trail', '--out', join(base, 'o2')]);
  expect(arn.code).toBe(0);
  expect(arn.out).toContain('4/4 digest files valid');
  const other = await cli([...common(), '--trail-arn', 'arn:aws:cloudtrail:us-west-2:210987654321:trail/other', '--skip-uncovered', '--out', join(base, 'o3')]);
  expect(other.out).toContain('No digests found');
});

test('a key file whose fingerprint does not match its bytes verifies nothing and fails the run', async () => {
  const bad = join(base, 'bad-keys.json');
  const doc = JSON.parse(publicKeysJson([key], new Date(0), new Date('2030-01-01T00:00:00Z')));
  doc.PublicKeyList[0].Value = makeKey().der.toString('base64');
  writeFileSync(bad, JSON.stringify(doc));
  const r = await cli([...common().map((a) => (a.endsWith(keysFile) ? bad : a)), '--out', join(base, 'o4')]);
  expect(r.code).toBe(1);
  expect(r.out).toContain('does not match the key bytes');
  expect(r.out).toContain('0/4 digest files valid');
});

test.each([
  [['--start-time', '2026-03-01T00:00:00Z', '--local', '.'], /--s3-bucket is required/],
  [['--s3-bucket', 'b'], /--start-time is required/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-02', '--end-time', '2026-03-01'], /start-time must occur before end-time/],
  [['--s3-bucket', 'b', '--start-time', 'yesterday'], /not a time/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-01', '--concurrency', '0'], /--concurrency/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-01', '--format', 'pdf'], /unknown format/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-01', '--trail-arn', 'arn:aws:s3:::b'], /not a trail ARN/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-01', '--local', '/nonexistent/dir'], /not a directory/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-01', '--local', '.'], /needs --public-keys/],
  [['--s3-bucket', 'b', '--start-time', '2026-03-01', '--bogus'], /unknown option --bogus \(see trailproof validate-logs --help\)/],
])('usage error %j exits 2', async (args, message) => {
  const r = await cli(args);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
});

test('the README sample validates clean (the documented command keeps working)', async () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /node bin\/trailproof\.js validate-logs (--local test\/integrity\/sample-mirror[^`]*?)--out out\/integrity/.exec(readme);
  expect(block).not.toBeNull();
  const args = block![1].replace(/\\\n/g, ' ').trim().split(/\s+/).map((a) => (a.startsWith('test/') || a.includes('=test/') ? a.replace('test/', `${join(__dirname, '..')}/`) : a));
  const r = await cli([...args, '--out', join(base, 'o-sample')]);
  expect(r.code).toBe(0);
  expect(r.out).toContain('4/4 digest files valid');
  expect(r.out).toContain('6/6 log files valid');
});
