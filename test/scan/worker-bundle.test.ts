import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cachedBundle } from '../../src/scan/worker-bundle';
import { REPO } from '../support/paths';

let dir: string;
let src: string;
let cache: string;

/** Written with a modification time well in the past, as sources at rest are. */
function source(name: string, text: string, ageSeconds = 3600): string {
  const p = join(src, name);
  writeFileSync(p, text);
  const t = Date.now() / 1000 - ageSeconds;
  utimesSync(p, t, t);
  return p;
}

/** What the bundle posts back when run as a worker: proves it runs on its own, without tsx. */
function runWorker(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path);
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-bundle-'));
  src = join(dir, 'src');
  cache = join(dir, 'cache');
  mkdirSync(src);
  source('greeting.ts', "export const greeting = (n: number): string => `hello ${n}`;\n");
  source('entry.ts', "import { parentPort } from 'node:worker_threads';\nimport { greeting } from './greeting';\nparentPort?.postMessage(greeting(1));\n");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('worker bundle cache', () => {
  test('builds the entry and its imports into one file that runs as a worker', async () => {
    const b = cachedBundle({ entry: join(src, 'entry.ts'), cacheDir: cache, name: 'w' });
    expect(b).toBeDefined();
    expect(b!.startsWith(cache)).toBe(true);
    expect(await runWorker(b!)).toBe('hello 1');
    const manifest = JSON.parse(readFileSync(join(cache, 'w.json'), 'utf8')) as { inputs: [string, number, number][] };
    expect(manifest.inputs.map(([p]) => p).sort()).toEqual([join(src, 'entry.ts'), join(src, 'greeting.ts')]);
  });

  test('reuses the bundle while its sources are unchanged', () => {
    const req = { entry: join(src, 'entry.ts'), cacheDir: cache, name: 'w' };
    const first = cachedBundle(req)!;
    // Marked, so a rebuild (which writes the built text again) would show.
    writeFileSync(first, `${readFileSync(first, 'utf8')}\n// kept\n`);
    const second = cachedBundle(req)!;
    expect(second).toBe(first);
    expect(readFileSync(second, 'utf8')).toContain('// kept');
  });

  test('rebuilds when an imported source changes', async () => {
    const req = { entry: join(src, 'entry.ts'), cacheDir: cache, name: 'w' };
    const first = cachedBundle(req)!;
    source('greeting.ts', "export const greeting = (n: number): string => `goodbye ${n}`;\n", 1800);
    const second = cachedBundle(req)!;
    expect(second).not.toBe(first);
    expect(await runWorker(second)).toBe('goodbye 1');
  });

  test('a source changed a moment ago is built but not written into the manifest', () => {
    source('greeting.ts', "export const greeting = (n: number): string => `hi ${n}`;\n", 0);
    const b = cachedBundle({ entry: join(src, 'entry.ts'), cacheDir: cache, name: 'w' });
    expect(b).toBeDefined();
    expect(existsSync(join(cache, 'w.json'))).toBe(false);
  });

  test("the scan worker's own entry bundles, with no tsx left in it", () => {
    const b = cachedBundle({ entry: join(REPO, 'src', 'scan', 'scan-worker-main.ts'), cacheDir: cache, name: 'scan-worker' });
    expect(b).toBeDefined();
    const text = readFileSync(b!, 'utf8');
    expect(text).toContain('parentPort');
    expect(text).not.toMatch(/require\("tsx/);
  });

  test('no bundle, no throw, when the source does not compile or the cache cannot be written', () => {
    source('broken.ts', 'export const x = (;\n');
    expect(cachedBundle({ entry: join(src, 'broken.ts'), cacheDir: cache, name: 'b' })).toBeUndefined();
    // A cache "directory" below a regular file cannot be made, even by root.
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(cachedBundle({ entry: join(src, 'entry.ts'), cacheDir: join(file, 'cache'), name: 'w' })).toBeUndefined();
  });
});
