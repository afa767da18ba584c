import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DATASETS, REPO } from '../support/paths';

/**
 * A fresh clone with nothing beside it must pass `npm test` (issue 17). `.ci/run` proves it by
 * running the suite in an empty temporary clone; this test catches the usual way it breaks
 * (a test reaching for ../shared or an absolute path of one machine) in every local run too.
 */
function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') files(p, out);
    } else if (/\.(ts|js)$/.test(name)) out.push(p);
  }
  return out;
}

const SOURCES = [...files(join(REPO, 'test')), ...files(join(REPO, 'scripts'))].filter((f) => f !== __filename);

// Paths that leave the checkout: the sibling shared/ folder, or another machine's absolute path.
const OUTSIDE = [/\.\.\/shared\b/, /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/, /['"`]\/work\//, /['"`]\/tmp\/fresh/];

test('test and script sources name no path outside the repository', () => {
  expect(SOURCES.length).toBeGreaterThan(50);
  const hits: string[] = [];
  for (const f of SOURCES) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${relative(REPO, f)}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(hits).toEqual([]);
});

test('every bundled dataset keeps its upstream licence and is credited in the README', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const folders = readdirSync(DATASETS).filter((n) => statSync(join(DATASETS, n)).isDirectory());
  expect(folders.sort()).toEqual(['aws-config-rdk', 'invictus-aws_dataset', 'panther-analysis', 'stratus-red-team']);
  for (const f of folders) {
    expect(existsSync(join(DATASETS, f, 'LICENSE'))).toBe(true);
    expect(readme).toContain(`\`${f}/\``);
  }
});
