#!/usr/bin/env node
// Runs the TypeScript CLI directly, so a checkout works after `npm ci` with no build step. The
// sources load through bin/ts-require.js (compiled once, then read from a cache); commands and
// heavy modules load on demand.
require('./v8-flags.js').applyV8Flags();
require('./ts-require.js').register();
Promise.resolve()
  .then(() => require('../src/cli/main.ts').main(process.argv.slice(2)))
  .then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`trailproof: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 70;
    },
  );
