import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readDigestedTrail } from './digests';

/**
 * The two sides of issue 8's hashing goal, over the same log files (the mirror writeDigests
 * made): the floor, and `validate-logs` as the command runs it. Each runs in its own process and
 * does its whole job `passes` times; the fastest pass counts, since a pass takes about a second
 * and on a shared machine one slow pass says more about the neighbours than about the code.
 */
export interface HashPhaseResult {
  files: number;
  /** Uncompressed bytes hashed (the bare phase counts them; validate-logs does not report them). */
  bytes?: number;
  compressedBytes: number;
  /** The fastest pass. */
  seconds: number;
  passSeconds: number[];
  /** User + system CPU of the process over the phase (zlib's thread pool included). */
  cpuSeconds: number;
  peakRssMB: number;
  digests?: number;
}

function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Runs f `passes` times; the value, wall time and CPU time of the fastest pass. */
async function timed<T>(passes: number, f: () => Promise<T>): Promise<{ value: T; seconds: number; passSeconds: number[]; cpuSeconds: number }> {
  let best: { value: T; seconds: number; cpuSeconds: number } | undefined;
  const passSeconds: number[] = [];
  for (let i = 0; i < Math.max(1, passes); i++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const value = await f();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    passSeconds.push(Math.round(seconds * 1000) / 1000);
    if (!best || seconds < best.seconds) best = { value, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
  return { ...best!, passSeconds };
}

/** Bare: read each listed log file, gunzip it, SHA-256 what it holds. One file at a time. */
export async function phaseHashBaseline(workDir: string, passes = 3): Promise<HashPhaseResult> {
  const trail = readDigestedTrail(workDir);
  const { value, ...times } = await timed(passes, async () => {
    let bytes = 0;
    let compressedBytes = 0;
    let check = 0;
    for (const key of trail.logKeys) {
      const gz = readFileSync(join(trail.mirror, ...key.split('/')));
      const raw = gunzipSync(gz);
      check ^= createHash('sha256').update(raw).digest()[0];
      bytes += raw.length;
      compressedBytes += gz.length;
    }
    if (check < 0) throw new Error('unreachable');
    return { bytes, compressedBytes };
  });
  return { files: trail.logKeys.length, ...value, ...times, peakRssMB: peakRssMB() };
}

/**
 * `trailproof validate-logs --local MIRROR --s3-bucket B --public-keys FILE --start-time ...
 * --end-time ...` minus writing the reports: the same store, key provider, options and defaults
 * (concurrency 8, uncovered logs listed), then the findings. Everything must come out valid,
 * or the figure would be the speed of failing.
 */
export async function phaseValidate(workDir: string, passes = 3, concurrency = 8): Promise<HashPhaseResult> {
  const trail = readDigestedTrail(workDir);
  const { LocalMirrorStore } = await import('../../src/sources/local-mirror-store');
  const { StaticKeyProvider } = await import('../../src/integrity/key-provider');
  const { parsePublicKeyFile } = await import('../../src/integrity/public-keys');
  const { validateLogs } = await import('../../src/integrity/validate');
  const { toFindings } = await import('../../src/integrity/to-findings');
  const { value: result, ...times } = await timed(passes, async () => {
    const parsed = parsePublicKeyFile(readFileSync(trail.keysFile, 'utf8'), null);
    const result = await validateLogs({
      store: new LocalMirrorStore(new Map([[trail.bucket, trail.mirror]])),
      bucket: trail.bucket,
      prefix: '',
      start: trail.start,
      end: trail.end,
      filters: { accounts: [], trails: [], homeRegions: [] },
      keys: new StaticKeyProvider(parsed.entries),
      concurrency,
      uncovered: true,
    });
    toFindings(result);
    return result;
  });
  const bad = [...result.digests.filter((d) => !d.valid).map((d) => `${d.key}: ${d.reasons.map((r) => r.message).join('; ')}`), ...result.logs.filter((l) => l.status !== 'valid').map((l) => `${l.key}: ${l.reasons.map((r) => r.message).join('; ')}`), ...result.errors.map((e) => `${e.location}: ${e.message}`), ...result.gaps.map((g) => `gap ${g.from} to ${g.to}`)];
  if (bad.length) throw new Error(`validate phase: ${bad.length} problems, first: ${bad[0]}`);
  if (result.logs.length !== trail.logKeys.length) throw new Error(`validate phase: ${result.logs.length} log files checked, ${trail.logKeys.length} listed`);
  const bytes = result.logs.reduce((n, l) => n + (l.bytes ?? 0), 0);
  return { files: result.logs.length, compressedBytes: bytes, ...times, peakRssMB: peakRssMB(), digests: result.digests.length };
}
