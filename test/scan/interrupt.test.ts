/**
 * Ctrl-C while the reports are written stops the run at once and leaves no report that looks
 * complete: each file is written as `<name>.partial` and renamed only when all are done. What the
 * killed run kept in the temporary directory is removed by the next run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTrail } from '../../scripts/bench/generate';
import { REPO } from '../support/paths';

let dir: string;
let trail: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-interrupt-'));
  trail = generateTrail(join(dir, 'trail'), 120_000).dir;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('SIGINT during report writing: the process ends within a second, nothing but .partial files, and the next run sweeps its spool', async () => {
  const out = join(dir, 'out');
  const spoolParent = join(dir, 'tmp');
  mkdirSync(spoolParent);
  // A small memory limit is not settable from the CLI; the spool spills past 2,000 findings, which this trail has.
  const child = spawn(process.execPath, [join(REPO, 'bin', 'trailproof.js'), 'scan', '--events', trail, '--format', 'all', '--out', out, '--quiet'], {
    env: { ...process.env, TMPDIR: spoolParent },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  // Wait for the report phase: the first .partial file.
  const started = Date.now();
  for (;;) {
    if (existsSync(out) && readdirSync(out).some((f) => f.endsWith('.partial'))) break;
    if (Date.now() - started > 60_000) throw new Error('the report phase never began');
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 150));
  const sent = Date.now();
  child.kill('SIGINT');
  const end = await exited;
  // Stopped by the signal, not after finishing the reports.
  expect(end.signal).toBe('SIGINT');
  expect(end.at - sent).toBeLessThan(1_000);
  // Nothing in --out looks like a finished report.
  const left = readdirSync(out);
  expect(left.length).toBeGreaterThan(0);
  for (const f of left) expect(f).toMatch(/\.partial$/);
  // The spool the killed run left (it spilled) is removed by the next run that uses the same place.
  const stale = readdirSync(spoolParent).filter((n) => n.startsWith(`trailproof-spool-${child.pid}-`));
  expect(stale.length).toBeGreaterThan(0);
  const next = spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), 'scan', '--events', join(REPO, 'test', 'fixtures', 'datasets', 'stratus-red-team', 'detonation-logs', 'aws.defense-evasion.cloudtrail-stop.json'), '--out', join(dir, 'out2'), '--quiet'], {
    env: { ...process.env, TMPDIR: spoolParent },
  });
  expect(next.status).toBe(1);
  expect(readdirSync(spoolParent).filter((n) => n.startsWith(`trailproof-spool-${child.pid}-`))).toEqual([]);
}, 90_000);
