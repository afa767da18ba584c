// Worker thread entry: plain JavaScript so the thread can register tsx before loading TypeScript.
// The scan path uses static imports only, so tsx's require hook is all it needs.
require('tsx/cjs');
require('./scan-worker-main.ts');
