import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Worker code as one plain JavaScript file, so that a scan worker starts without loading tsx and
 * looking up each of its ~30 modules in tsx's cache (ready in 50-65 ms against 185-195 ms). A worker started from the bundle was ready
 * sooner and left less JIT work behind (tsx's own functions get optimized too): at 200,000
 * events on two cores, four interleaved pairs took 1.36-1.55 s of wall time and 2.59-2.94 s of
 * CPU against 1.46-1.67 s and 2.79-3.12 s through tsx (docs/performance.md, "Two cores").
 *
 * The bundle is built from the sources on first use and rebuilt whenever one of them changes
 * (size or modification time), so a checkout needs no build step and never runs stale code.
 */
export interface BundleRequest {
  /** The TypeScript entry point. */
  entry: string;
  /** Where bundles and their manifests are kept; made if missing. */
  cacheDir: string;
  /** Names the manifest (`NAME.json`) and the bundles (`NAME-HASH.js`) in cacheDir. */
  name: string;
}

/** What a bundle was built from: each input with the size and modification time it had. */
interface Manifest {
  version: 1;
  bundle: string;
  inputs: [path: string, size: number, mtimeMs: number][];
}

/** Bundles left by earlier sources are removed once this old (a scan starting right now may still be loading one). */
const STALE_BUNDLE_MS = 60 * 60 * 1000;

/** Inputs changed this recently are not trusted to be the ones built: the manifest is not written. */
const SETTLE_MS = 2000;

/**
 * The path of the entry's bundle, current with its sources; undefined when none can be had (the
 * cache directory cannot be written, esbuild is missing or fails). The caller then runs the
 * sources through tsx: slower to start, same results.
 */
export function cachedBundle(req: BundleRequest): string | undefined {
  try {
    return current(req) ?? build(req);
  } catch {
    return undefined;
  }
}

function manifestPath(req: BundleRequest): string {
  return join(req.cacheDir, `${req.name}.json`);
}

function stamp(path: string): [number, number] {
  const s = statSync(path);
  return [s.size, s.mtimeMs];
}

/** The bundle the manifest names, if every input it lists is unchanged. */
function current(req: BundleRequest): string | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(manifestPath(req), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (m.version !== 1 || !Array.isArray(m.inputs) || typeof m.bundle !== 'string') return undefined;
  // A manifest written for another entry never matches.
  if (!m.inputs.some(([p]) => p === resolve(req.entry))) return undefined;
  for (const [path, size, mtimeMs] of m.inputs) {
    try {
      const [s, t] = stamp(path);
      if (s !== size || t !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  const bundle = join(req.cacheDir, m.bundle);
  try {
    statSync(bundle);
    return bundle;
  } catch {
    return undefined;
  }
}

function build(req: BundleRequest): string | undefined {
  // A cache that cannot be written would have every scan pay for a build it cannot keep.
  mkdirSync(req.cacheDir, { recursive: true });
  accessSync(req.cacheDir, constants.W_OK);
  // Loaded only when a build is due: most scans find a current bundle.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const started = Date.now();
  const workDir = dirname(resolve(req.entry));
  const out = esbuild.buildSync({
    entryPoints: [resolve(req.entry)],
    absWorkingDir: workDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Packages stay require()d from node_modules, as the sources would load them.
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: join(req.cacheDir, `${req.name}.js`),
  });
  const text = out.outputFiles?.[0]?.text;
  if (text === undefined || !out.metafile) return undefined;
  const inputs: Manifest['inputs'] = Object.keys(out.metafile.inputs).map((p) => {
    const abs = resolve(workDir, p);
    return [abs, ...stamp(abs)];
  });
  const name = `${req.name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.js`;
  const bundle = join(req.cacheDir, name);
  // Written aside and renamed: a scan reading the cache at the same moment sees all or nothing.
  writeAtomically(bundle, text);
  if (inputs.every(([, , mtimeMs]) => mtimeMs < started - SETTLE_MS)) {
    writeAtomically(manifestPath(req), JSON.stringify({ version: 1, bundle: name, inputs } satisfies Manifest));
    removeStale(req, name);
  }
  return bundle;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function removeStale(req: BundleRequest, keep: string): void {
  const now = Date.now();
  for (const f of readdirSync(req.cacheDir)) {
    if (f === keep || !f.startsWith(`${req.name}-`) || !f.endsWith('.js')) continue;
    const p = join(req.cacheDir, f);
    try {
      if (now - statSync(p).mtimeMs > STALE_BUNDLE_MS) rmSync(p, { force: true });
    } catch {
      // Another scan removed it first.
    }
  }
}
