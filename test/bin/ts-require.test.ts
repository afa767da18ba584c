import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/paths';

/**
 * bin/ts-require.js, how bin/trailproof.js loads the TypeScript: compiled once into a cache, then
 * read from it; import() stays lazy; stacks point at the TypeScript lines.
 */
function tmp(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tp-ts-require-${tag}-`));
}

/** Runs `script` (CommonJS) in a fresh node with the hook registered over `cache`; its stdout. */
function probe(cache: string, script: string): string {
  const file = join(tmp('probe'), 'probe.js');
  writeFileSync(file, `require(${JSON.stringify(join(REPO, 'bin', 'ts-require.js'))}).register();\n${script}`);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, TRAILPROOF_TS_CACHE: cache } });
}

const HELP_MODULES = `
require(${JSON.stringify(join(REPO, 'src', 'cli', 'main.ts'))}).main(['--help']).then(() => {
  process.stdout.write('\\n' + JSON.stringify(Object.keys(require.cache)));
});`;

describe('bin/ts-require.js', () => {
  test('the second start compiles nothing, and --help loads none of the heavy packages', () => {
    const cache = tmp('cache');
    const first = probe(cache, HELP_MODULES);
    expect(first).toMatch(/Usage: trailproof <command>/);
    const compiled = readdirSync(cache).length;
    expect(compiled).toBeGreaterThan(5);
    const second = probe(cache, HELP_MODULES);
    expect(readdirSync(cache)).toHaveLength(compiled);
    const modules = JSON.parse(second.slice(second.lastIndexOf('\n') + 1)) as string[];
    expect(modules.some((m) => m.endsWith(join('src', 'cli', 'main.ts')))).toBe(true);
    // esbuild's compiler API is loaded only on a cache miss; the rest only by commands that use them.
    for (const heavy of ['esbuild/lib', 'tsx', 'ajv', 'yaml', '@aws-sdk', 'cdktf', 'json-rules-engine']) {
      expect({ heavy, loaded: modules.some((m) => m.includes(`node_modules/${heavy}`)) }).toEqual({ heavy, loaded: false });
    }
    // Every command's help lists the report formats from reports/registry.ts; the writers load only to write.
    const reports = join(REPO, 'reports');
    const writers = modules.filter((m) => m.startsWith(reports) && !m.endsWith(join('reports', 'registry.ts')));
    expect(modules.some((m) => m.endsWith(join('reports', 'registry.ts')))).toBe(true);
    expect(writers).toEqual([]);
  });

  test('import() stays lazy: the imported module runs when the import does, not at load', () => {
    const dir = tmp('lazy');
    writeFileSync(join(dir, 'b.ts'), "(globalThis as { order?: string[] }).order!.push('b');\nexport const value: number = 42;\n");
    writeFileSync(join(dir, 'a.ts'), "(globalThis as { order?: string[] }).order = ['a'];\nexport async function go(): Promise<number> {\n  const m = await import('./b');\n  return m.value;\n}\n");
    const out = probe(tmp('cache'), `
const a = require(${JSON.stringify(join(dir, 'a.ts'))});
const before = [...globalThis.order];
a.go().then((v) => process.stdout.write(JSON.stringify({ before, after: globalThis.order, v })));`);
    expect(JSON.parse(out)).toEqual({ before: ['a'], after: ['a', 'b'], v: 42 });
  });

  test('a stack names the TypeScript file and line', () => {
    const dir = tmp('stack');
    writeFileSync(join(dir, 'thrower.ts'), 'type T = { a: number };\n\nexport function boom(t: T): never {\n  throw new Error(`boom ${t.a}`);\n}\n');
    const out = probe(tmp('cache'), `
try { require(${JSON.stringify(join(dir, 'thrower.ts'))}).boom({ a: 1 }); } catch (e) { process.stdout.write(e.stack); }`);
    expect(out).toContain('boom 1');
    expect(out).toContain(`${join(dir, 'thrower.ts')}:4`);
  });
});

describe('bin/ts-require.js cache', () => {
  test('a compile removes output not rewritten for two weeks, and leaves the rest', () => {
    const cache = tmp('sweep');
    const old = join(cache, 'f'.repeat(40) + '.js');
    const recent = join(cache, 'e'.repeat(40) + '.js');
    writeFileSync(old, '');
    writeFileSync(recent, '');
    const month = (Date.now() - 30 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, month, month);
    const dir = tmp('src');
    writeFileSync(join(dir, 'x.ts'), 'export const x: number = 1;\n');
    probe(cache, `require(${JSON.stringify(join(dir, 'x.ts'))});`);
    const left = readdirSync(cache);
    expect(left).not.toContain('f'.repeat(40) + '.js');
    expect(left).toContain('e'.repeat(40) + '.js');
    expect(left).toHaveLength(2); // the recent file and x.ts's output
  });
});
