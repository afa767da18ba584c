import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../src/version';
import { generateTrail } from './generate';

/**
 * Peak RSS of `trailproof scan` end to end, as a user runs it: a generated trail, the full rule
 * pack, every report written. The scan runs in its own process so its peak is its own; the child
 * reports process.resourceUsage().maxRSS as it exits (Node cannot read a child's rusage).
 *
 *   node bin/run-ts.js scripts/bench/memory.ts --events 1000000 [--dir /tmp/trail-1m] [--workers 1] [--format all]
 *
 * With --dir the trail is kept there and reused by later runs with the same --events.
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    dir: { type: 'string' },
    workers: { type: 'string', default: '1' },
    format: { type: 'string', default: 'all' },
  },
});
const events = Number(values.events);
if (!Number.isInteger(events) || events <= 0) throw new Error('--events must be a positive integer');

const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'trailproof-mem-'));
const marker = join(dir, 'generated.json');
let generatedSeconds = 0;
if (!(existsSync(marker) && (JSON.parse(readFileSync(marker, 'utf8')) as { events: number }).events === events)) {
  const t0 = process.hrtime.bigint();
  const trail = generateTrail(join(dir, 'trail'), events);
  generatedSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  writeFileSync(marker, JSON.stringify({ events: trail.events, files: trail.files.length, bytes: trail.bytes }));
}
const out = mkdtempSync(join(tmpdir(), 'trailproof-mem-out-'));

// Runs the CLI exactly as bin/trailproof.js does, and says its own peak RSS on the way out.
const child = `
process.on('exit', () => process.stderr.write('\\nMAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'));
process.argv.splice(1, 0, 'trailproof');
require(${JSON.stringify(join(REPO_ROOT, 'bin', 'trailproof.js'))});
`;
const args = ['scan', '--events', join(dir, 'trail'), '--out', out, '--format', values.format, '--fail-on', 'none', '--workers', values.workers];

const t0 = process.hrtime.bigint();
const proc = spawn(process.execPath, ['-e', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
proc.on('close', (code) => {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = /MAXRSS_KB (\d+)/.exec(stderr);
  const findings = /^findings: (\d+) failing/m.exec(stdout);
  if (code !== 0 || !rss) {
    process.stderr.write(`scan exited ${code}\n${stdout}\n${stderr}\n`);
    process.exitCode = 1;
  }
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({
      events,
      workers: Number(values.workers),
      format: values.format,
      failingFindings: findings ? Number(findings[1]) : null,
      scanSeconds: Math.round(seconds * 10) / 10,
      generatedSeconds: Math.round(generatedSeconds * 10) / 10,
      peakRssMB: rss ? Math.round(Number(rss[1]) / 102.4) / 10 : null,
    })}\n`,
  );
});
