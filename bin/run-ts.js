#!/usr/bin/env node
// Runs a TypeScript script (benchmarks, tools) through tsx without a build step.
const path = require('node:path');
const script = process.argv[2];
if (!script) { process.stderr.write('usage: run-ts.js SCRIPT.ts [args...]\n'); process.exit(2); }
process.argv.splice(1, 2, path.resolve(script));
import('tsx').then(() => require(path.resolve(script)));
