// Loads the CLI's TypeScript through require(): each .ts file is compiled by esbuild to CommonJS,
// with its dynamic import()s turned into lazy require()s, and the output kept on disk keyed by
// the source's SHA-1, so a start compiles nothing and loads every module in this thread.
//
// Why not tsx, which bin/trailproof.js used before: `import('tsx')` also registers Node's ESM
// loader hooks, which run on a thread of their own; every import() the CLI makes (its commands
// and heavy modules load on demand) then waits on that thread. `trailproof --version` took 0.22
// s of CPU through tsx against 0.07 s with a require hook alone (docs/performance.md, "Start-up").
// tsx's require hook on its own cannot load the CLI: it leaves import() to Node, which cannot
// load TypeScript.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
// TRAILPROOF_TS_CACHE: another directory (the tests start from an empty one).
const CACHE = process.env.TRAILPROOF_TS_CACHE || path.join(ROOT, 'node_modules', '.cache', 'trailproof', 'ts');
// Part of every key: a change of compiler or options must not reuse old output.
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  platform: 'node',
  // import() becomes Promise.resolve().then(() => require()): lazy as before, in this thread.
  supported: { 'dynamic-import': false },
  sourcemap: 'inline',
  logLevel: 'silent',
};

let esbuild;
let version;
let writable;

function compilerVersion() {
  if (version === undefined) version = require('esbuild/package.json').version;
  return version;
}

function compile(source, filename) {
  const key = createHash('sha1').update(`${compilerVersion()}\0${JSON.stringify(OPTIONS)}\0${filename}\0`).update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not compiled yet: below.
  }
  // Loaded only on a miss: most starts find every file compiled.
  esbuild ??= require('esbuild');
  const code = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename }).code;
  if (writable !== false) {
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      // Written aside and renamed: a process starting at the same moment reads all or nothing.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
      writable = true;
      sweep();
    } catch {
      writable = false; // a read-only install compiles in memory on every start
    }
  }
  return code;
}

// Output for sources that have since changed is never read again; on a compile (a source changed)
// files not rewritten for SWEEP_DAYS go, once per process. One still in use is compiled again.
const SWEEP_DAYS = 14;
let swept = false;

function sweep() {
  if (swept) return;
  swept = true;
  const before = Date.now() - SWEEP_DAYS * 24 * 3600 * 1000;
  try {
    for (const f of fs.readdirSync(CACHE)) {
      const p = path.join(CACHE, f);
      try {
        if (f.endsWith('.js') && fs.statSync(p).mtimeMs < before) fs.rmSync(p, { force: true });
      } catch {
        // Another process removed it first.
      }
    }
  } catch {
    // Nothing to sweep.
  }
}

function register() {
  if (require.extensions['.ts']) return;
  // Source maps for error stacks: Node maps a stack only when asked, and only when printing it.
  process.setSourceMapsEnabled(true);
  require.extensions['.ts'] = (module, filename) => {
    module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
}

module.exports = { register, CACHE };
