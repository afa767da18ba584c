#!/usr/bin/env node
// Runs a TypeScript script (benchmarks, tools, the cdktf app) with no build step, loading it the
// way bin/trailproof.js loads the CLI (bin/ts-require.js), so a benchmark's processes start as
// the command does.
const path = require('node:path');
const script = process.argv[2];
if (!script) { process.stderr.write('usage: run-ts.js SCRIPT.ts [args...]\n'); process.exit(2); }
process.argv.splice(1, 2, path.resolve(script));
require('./ts-require.js').register();
require(path.resolve(script));
