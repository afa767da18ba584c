import { performance } from 'node:perf_hooks';

/**
 * Where a command's wall time goes, for the benchmark and for anyone asking why a run is slow:
 * with TRAILPROOF_TIMINGS=1 the process prints one line to stderr as it exits,
 *   trailproof timings {"startMs":…,"rulesMs":…,"scanMs":…,"reportsMs":…,"exitMs":…,"totalMs":…,"cpuMs":…,"peakRssMB":…}
 * Each phase lasts from its mark to the next one, the last one to the exit; `startMs` is from the
 * process's start (Node's own start-up, loading the CLI and the command) to the first mark. Off by
 * default: nothing is measured or printed.
 */
const TIMINGS_ENV = 'TRAILPROOF_TIMINGS';
const enabled = process.env[TIMINGS_ENV] === '1';
const marks: [phase: string, at: number][] = [];

export function markPhase(phase: string): void {
  if (!enabled) return;
  if (marks.length === 0) process.once('exit', report);
  marks.push([phase, performance.now()]);
}

function report(): void {
  const end = performance.now();
  const out: Record<string, number> = { startMs: round(marks[0][1]) };
  marks.forEach(([phase, at], i) => {
    const key = `${phase}Ms`;
    out[key] = round((out[key] ?? 0) + (i + 1 < marks.length ? marks[i + 1][1] : end) - at);
  });
  out.totalMs = round(end);
  // The whole process, every thread: CPU is what other load on a shared machine moves least.
  const cpu = process.cpuUsage();
  out.cpuMs = round((cpu.user + cpu.system) / 1000);
  // This thread's and the workers' peak together: they share the process.
  out.peakRssMB = round(process.resourceUsage().maxRSS / 1024);
  process.stderr.write(`trailproof timings ${JSON.stringify(out)}\n`);
}

const round = (ms: number) => Math.round(ms * 10) / 10;
