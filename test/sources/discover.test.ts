import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDigestPath, parseAwsLogsPath } from '../../src/sources/aws-logs-key';
import { type Discovered, discoverInputs, STDIN_PATH } from '../../src/sources/discover';
import { scratch } from './fixtures';

async function collect(paths: string[]): Promise<Discovered[]> {
  const out: Discovered[] = [];
  for await (const d of discoverInputs(paths)) out.push(d);
  return out;
}

describe('parseAwsLogsPath', () => {
  it('reads account, region and date of a log file, also behind a bucket prefix', () => {
    expect(parseAwsLogsPath('bucket/prefix/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/01/31/111122223333_CloudTrail_eu-west-1_20240131T2355Z_abcdefghij012345.json.gz')).toEqual({
      folder: 'CloudTrail',
      account: '111122223333',
      organizationId: undefined,
      region: 'eu-west-1',
      date: '2024/01/31',
    });
  });

  it('reads organization trails and digest folders', () => {
    expect(parseAwsLogsPath('AWSLogs/o-exampleorgid/111122223333/CloudTrail-Digest/us-east-1/2024/01/31/x.json.gz')).toMatchObject({
      folder: 'CloudTrail-Digest',
      organizationId: 'o-exampleorgid',
      account: '111122223333',
    });
  });

  it('ignores paths outside the layout', () => {
    expect(parseAwsLogsPath('logs/111122223333/CloudTrail/us-east-1/x.json')).toBeUndefined();
    expect(parseAwsLogsPath('AWSLogs/notanaccount/CloudTrail/us-east-1/x.json')).toBeUndefined();
    expect(parseAwsLogsPath('AWSLogs/111122223333/CloudTrail/us-east-1')).toBeUndefined();
  });

  it('knows a digest by folder or by file name (including backfill digests)', () => {
    expect(isDigestPath('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/31/anything.json.gz')).toBe(true);
    expect(isDigestPath('copies/111122223333_CloudTrail-Digest_us-east-1_my-trail_us-east-1_20240131T235959Z.json.gz')).toBe(true);
    expect(isDigestPath('copies/111122223333_CloudTrail-Digest_us-east-1_my-trail_us-east-1_20240131T235959Z_backfill.json.gz')).toBe(true);
    expect(isDigestPath('copies/111122223333_CloudTrail_us-east-1_20240131T2355Z_abcdefghij012345.json.gz')).toBe(false);
  });
});

describe('discoverInputs', () => {
  let fx: ReturnType<typeof scratch>;
  beforeEach(() => {
    fx = scratch();
  });
  afterEach(() => fx.cleanup());

  it('walks directories recursively in sorted order, files and folders interleaved by name', async () => {
    const paths = ['b.json', 'a/z.jsonl', 'a/b/c.json.gz', 'A.ndjson', 'c/000000.gz'].map((p) => fx.write(p, '[]'));
    const got = await collect([fx.dir]);
    expect(got.map((d) => d.path)).toEqual([paths[3], paths[2], paths[1], paths[0], paths[4]]);
    expect(got.map((d) => d.type === 'file' && d.lines)).toEqual([true, false, true, false, false]);
  });

  it('reads a named file whatever its extension, but skips unknown extensions inside directories', async () => {
    const txt = fx.write('dir/events.txt', '[]');
    const got = await collect([txt, join(fx.dir, 'dir')]);
    expect(got[0]).toMatchObject({ type: 'file', path: txt });
    expect(got[1]).toMatchObject({ type: 'skip', path: txt, reason: expect.stringMatching(/^same file as /) });
  });

  it('accounts for missing paths, empty directories and stdin given twice', async () => {
    mkdirSync(join(fx.dir, 'empty'));
    const got = await collect(['-', join(fx.dir, 'missing.json'), join(fx.dir, 'empty'), '-']);
    expect(got).toEqual([
      { type: 'stdin', path: STDIN_PATH },
      { type: 'error', path: join(fx.dir, 'missing.json'), reason: 'no such file or directory' },
      { type: 'skip', path: join(fx.dir, 'empty'), kind: 'unknown', reason: 'empty directory: no files to read' },
      { type: 'skip', path: STDIN_PATH, kind: 'unknown', reason: 'stdin given more than once, read once' },
    ]);
  });

  it('attaches the trail layout to log files', async () => {
    const p = fx.write('AWSLogs/111122223333/CloudTrail/ap-south-1/2024/02/29/f.json.gz', '');
    const [d] = await collect([fx.dir]);
    expect(d).toMatchObject({ type: 'file', path: p, awsLogs: { account: '111122223333', region: 'ap-south-1', date: '2024/02/29' } });
  });
});

describe('discoverInputs: streams named on the command line', () => {
  it('reads a named pipe given by name (process substitution), skips one inside a directory', async () => {
    const { execFileSync } = await import('node:child_process');
    const fx = scratch();
    try {
      const fifo = join(fx.dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const got = await collect([fifo, fx.dir]);
      expect(got).toEqual([
        { type: 'file', path: fifo, lines: false },
        { type: 'skip', path: fifo, kind: 'unknown', reason: 'not a regular file' },
      ]);
    } finally {
      fx.cleanup();
    }
  });
});
