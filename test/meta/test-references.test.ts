import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { REPO } from '../support/paths';

/** Comments and docs that send a reader to a test file send them to one that exists (issue 16). */
function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!['node_modules', 'fixtures', '.git', 'out', 'cdktf.out'].includes(name)) files(p, out);
    } else if (/\.(ts|js|md)$/.test(name)) out.push(p);
  }
  return out;
}

test('every test file named in the code, the tests and the docs exists', () => {
  const roots = ['src', 'reports', 'stacks', 'scripts', 'bin', 'test', 'docs'].map((d) => join(REPO, d));
  const sources = [...roots.flatMap((r) => files(r)), join(REPO, 'README.md'), join(REPO, 'main.ts')];
  const testNames = new Set(files(join(REPO, 'test')).filter((f) => f.endsWith('.test.ts')).map((f) => basename(f)));
  const missing: string[] = [];
  let named = 0;
  for (const f of sources) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(/(?<![\w./-])((?:test\/)?[\w./-]*?[\w-]+\.test\.ts)\b/g)) {
          named++;
          const ref = m[1];
          const ok = ref.startsWith('test/') ? existsSync(join(REPO, ref)) : testNames.has(basename(ref));
          if (!ok) missing.push(`${relative(REPO, f)}:${i + 1}: ${ref}`);
        }
      });
  }
  expect(named).toBeGreaterThan(20);
  expect(missing).toEqual([]);
});
