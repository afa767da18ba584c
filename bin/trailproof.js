#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx so a checkout works after `npm ci` with no build step.
// tsx's loader hooks both require() and import(): commands and heavy modules load on demand.
require('./v8-flags.js').applyV8Flags();
import('tsx')
  .then(() => require('../src/cli/main.ts').main(process.argv.slice(2)))
  .then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`trailproof: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 70;
    },
  );
