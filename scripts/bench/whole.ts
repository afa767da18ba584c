import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../src/version';

/**
 * Whole commands as a user runs them: each one a process of its own, timed from spawn to exit,
 * so Node's start, loading the code, the rules, the scan and writing findings.json all count.
 */
export interface WholeRun {
  seconds: number;
  stdout: string;
  stderr: string;
}

export function spawnTimed(argv: string[], env: NodeJS.ProcessEnv = {}, okCodes = [0], cwd = REPO_ROOT): WholeRun {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, cwd, env: { ...process.env, ...env } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${argv.join(' ')} exited ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr.slice(-2000)}`);
  return { seconds, stdout: r.stdout, stderr: r.stderr };
}

/** What TRAILPROOF_TIMINGS=1 prints (src/cli/timings.ts). */
export interface Timings {
  startMs: number;
  rulesMs: number;
  scanMs: number;
  reportsMs: number;
  exitMs: number;
  totalMs: number;
  cpuMs: number;
  peakRssMB: number;
}

export interface WholeScan extends WholeRun {
  timings: Timings;
  out: string;
}

/** `trailproof scan DIR --workers N` exactly as documented (findings.json written), its timings line read back. */
export function wholeScan(dir: string, workers: number): WholeScan {
  const out = mkdtempSync(join(tmpdir(), 'trailproof-bench-out-'));
  // Exit 1 is the verdict (failing findings), not a failure of the run.
  const r = spawnTimed([process.execPath, join(REPO_ROOT, 'bin', 'trailproof.js'), 'scan', '--workers', String(workers), '--out', out, '--quiet', dir], { TRAILPROOF_TIMINGS: '1' }, [0, 1]);
  const line = r.stderr.split('\n').find((l) => l.startsWith('trailproof timings '));
  if (!line) throw new Error(`no timings line from trailproof scan: ${r.stderr.slice(-2000)}`);
  return { ...r, timings: JSON.parse(line.slice('trailproof timings '.length)) as Timings, out };
}

export function removeOut(s: WholeScan): void {
  rmSync(s.out, { recursive: true, force: true });
}

/**
 * Findings per rule in a findings.json, read line by line: a finding's own keys are the only
 * ones six spaces in (JSON.stringify(doc, null, 2)), so nested evidence never counts.
 */
export async function findingsPerRule(findingsJson: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const lines = createInterface({ input: createReadStream(findingsJson), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('      "ruleId": ')) continue;
    const id = JSON.parse(line.slice('      "ruleId": '.length).replace(/,$/, '')) as string;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}
