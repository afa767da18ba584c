// V8 settings for a trailproof process, applied before any of its code is compiled (they apply to
// the whole process, scan workers included). Shared by bin/trailproof.js and the benchmark's scan
// runs, so the benchmark measures what the command runs.
//
// --max-inlined-bytecode-size-cumulative (V8's default: 920): every isolate of a parallel scan
// optimizes the same hot functions, and with the default budget those compile into large units
// (V8's --trace-opt put one at ~115 ms of TurboFan time at 200k events). A smaller budget compiles less
// and sooner. Interleaved runs at 200,000 events on two cores: median 1.40 s against 1.49 s,
// 1.38 against 1.57 s in another set; one thread at 1M events, 9.1-9.4 s against 9.0 s (even).
const FLAGS = ['--max-inlined-bytecode-size-cumulative=300'];

// V8 reports a flag it does not know on stdout, where it would corrupt `--format json -`: the
// flags are applied only on the Node versions they were measured on and are known to exist in.
const MEASURED_NODE_MAJORS = [20, 21, 22, 23, 24];

function applyV8Flags() {
  if (!MEASURED_NODE_MAJORS.includes(Number(process.versions.node.split('.')[0]))) return;
  const v8 = require('node:v8');
  for (const f of FLAGS) v8.setFlagsFromString(f);
}

module.exports = { FLAGS, applyV8Flags };
