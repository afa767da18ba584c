import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  closesCycle,
  importsOf,
  layerViolations,
  loadLayerTable,
  readImportGraph,
  tableErrors,
  type LayerTable,
} from '../../scripts/layers';
import { REPO } from '../support/paths';

/**
 * Layers point down only (issue 16): every import of the product code against the table in
 * docs/layers.json, no file-level cycle, cdktf only under stacks/.
 *
 * ALLOWED held the violations the code had when this test was written; issue 16 removed them
 * all and it stays empty: a violation fails the test (import from a lower layer, or move the code
 * down). An entry that no longer occurs fails it too, so the list cannot go stale.
 */
const ALLOWED: [edge: string, lane: string][] = [];

/** Edges allowed to close a file-level cycle (cycles are looked for without them). */
const CYCLE_EDGES: [edge: string, lane: string][] = [];

/** Imports whose target is computed, which no scanner can follow: each one is known and named. */
const COMPUTED = [
  'bin/run-ts.js', // runs the script named on its command line
  'src/cli/main.ts', // loads src/cli/commands/<name>.ts, its own layer
];

const table = loadLayerTable(REPO);
const graph = readImportGraph(REPO);

test('the layer table is well formed', () => {
  expect(tableErrors(table)).toEqual([]);
  expect(table.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['model', 'util', 'semantics', 'engine', 'findings', 'scan', 'reports', 'cli', 'stacks']));
});

test('the scanner reads the real graph: every kind of import, resolved to files', () => {
  expect(graph.files.length).toBeGreaterThan(150);
  expect(graph.edges.length).toBeGreaterThan(600);
  const edge = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to);
  expect(edge('src/cli/commands/scan.ts', 'src/scan/run-scan.ts')?.kind).toBe('dynamic');
  expect(edge('bin/trailproof.js', 'src/cli/main.ts')?.kind).toBe('require');
  expect(edge('main.ts', 'stacks/synth.ts')?.kind).toBe('static');
  expect(graph.edges.some((e) => e.from.startsWith('src/') && e.kind === 'type')).toBe(true);
  expect(graph.unresolved).toEqual([]);
  expect([...new Set(graph.computed.map((c) => c.replace(/:\d+$/, '')))].sort()).toEqual(COMPUTED);
});

test('imports point down the layers, form no cycle, and cdktf stays under stacks/', () => {
  const allowed = new Set([...ALLOWED, ...CYCLE_EDGES].map(([edge]) => edge));
  const violations = layerViolations(graph, table, new Set(CYCLE_EDGES.map(([e]) => e)));
  const fresh = violations.filter((v) => !allowed.has(v.key)).map((v) => `${v.kind}: ${v.message}`);
  expect(fresh).toEqual([]);
});

test('the allowlist only shrinks: every entry still occurs (delete the ones that do not)', () => {
  const current = new Set(layerViolations(graph, table).map((v) => v.key));
  const stale = ALLOWED.filter(([edge]) => !current.has(edge)).map(([edge, lane]) => `${edge} (${lane})`);
  const edges = new Set(graph.edges.map((e) => `${e.from} -> ${e.to}`));
  for (const [edge, lane] of CYCLE_EDGES) {
    const [from, to] = edge.split(' -> ');
    if (!edges.has(edge) || !closesCycle(graph.edges, from, to)) stale.push(`${edge} (${lane}, cycle)`);
  }
  expect(stale).toEqual([]);
});

describe('on a synthetic graph', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const synthetic: LayerTable = {
    layers: [
      { name: 'low', paths: ['src/low'], may: [], job: 'bottom' },
      { name: 'mid', paths: ['src/mid'], may: ['low'], job: 'middle' },
      { name: 'top', paths: ['src/top'], may: ['*'], lazy: [], job: 'top' },
      { name: 'deploy', paths: ['deploy'], may: ['low'], cdktf: true, job: 'deploys' },
      { name: 'cli', paths: ['src/cli'], may: ['low'], lazy: ['top'], job: 'commands' },
    ],
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tp-layers-'));
    write('src/low/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    write('src/low/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    write('src/low/up.ts', "import type { M } from '../mid/m';\nexport type U = M;\n");
    write('src/low/stack.ts', "import { App } from 'cdktf';\nexport const app = new App();\n");
    write('src/mid/m.ts', "import { a } from '../low/a';\nexport type M = typeof a;\n");
    write('src/top/t.ts', "export { a } from '../low/a';\nexport * from '../mid/m';\n");
    write('deploy/d.ts', "import { TerraformStack } from 'cdktf';\nimport { a } from '../src/low/a';\nexport { TerraformStack, a };\n");
    write('src/cli/c.ts', "export async function run() { return import('../top/t'); }\nexport type T = import('../top/t').Never;\n");
    write('src/stray/s.ts', "export const s = 1;\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('an upward type import, a cycle, cdktf outside its layer, an unplaced file and a static import of a lazy layer all fail', () => {
    const g = readImportGraph(root, ['src', 'deploy']);
    const found = layerViolations(g, synthetic).map((v) => `${v.kind} ${v.key}`);
    expect(found.sort()).toEqual(
      [
        'layer src/low/up.ts -> src/mid/m.ts',
        'cycle src/low/a.ts <-> src/low/b.ts',
        'cdktf src/low/stack.ts -> cdktf',
        'unplaced src/stray/s.ts',
        // the type position import('../top/t') is not a dynamic import: only that one is lazy
        'layer src/cli/c.ts -> src/top/t.ts',
      ].sort(),
    );
  });

  test('an allowed cycle edge breaks the cycle; only an edge that closes one counts as closing it', () => {
    const g = readImportGraph(root, ['src', 'deploy']);
    const keys = layerViolations(g, synthetic, new Set(['src/low/b.ts -> src/low/a.ts'])).map((v) => v.key);
    expect(keys).not.toContain('src/low/a.ts <-> src/low/b.ts');
    expect(closesCycle(g.edges, 'src/low/b.ts', 'src/low/a.ts')).toBe(true);
    expect(closesCycle(g.edges, 'src/mid/m.ts', 'src/low/a.ts')).toBe(false);
  });

  test('import kinds: type-only, value, re-export, dynamic, require, computed', () => {
    const kinds = importsOf(
      'x.ts',
      [
        "import type { A } from './a';",
        "import { type B, type C } from './b';",
        "import { type D, e } from './d';",
        "import './side-effect';",
        "export type { F } from './f';",
        "export { g } from './g';",
        "const h = require('./h');",
        "const i = require.resolve('./i');",
        "const j = () => import('./j');",
        'const k = (n: string) => import(n);',
        "let l: import('./l').L;",
      ].join('\n'),
    ).map((i) => `${i.specifier ?? '?'}:${i.kind}`);
    expect(kinds).toEqual(['./a:type', './b:type', './d:static', './side-effect:static', './f:type', './g:static', './h:require', './i:require', './j:dynamic', '?:dynamic', './l:type']);
  });
});
