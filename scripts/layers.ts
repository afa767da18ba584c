/**
 * node bin/run-ts.js scripts/layers.ts
 *
 * The import graph of the product code (src/, reports/, stacks/, main.ts, scripts/, bin/) as the
 * TypeScript parser reads it, checked against the layer table in docs/layers.json: an import that
 * points to a layer its own may not use, a file-level import cycle, a cdktf import outside the
 * layers allowed one, a file in no layer, a relative import that resolves to no file.
 * test/meta/layers.test.ts runs the check in `npm test`; run here it prints every violation.
 *
 * Type-only imports count: a type still couples the importer to the module that declares it, and
 * a contract type belongs in src/model/, which every layer may import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

export const SCANNED_ROOTS = ['src', 'reports', 'stacks', 'scripts', 'bin', 'main.ts'];

/**
 * static: `import`/`export ... from` with a value; type: a type-only import, export or `import()`
 * type; dynamic: `import('...')`; require: `require('...')`/`require.resolve('...')`.
 */
export type ImportKind = 'static' | 'type' | 'dynamic' | 'require';

export interface ImportEdge {
  /** Repository-relative path, '/' separated. */
  from: string;
  /** The resolved repository-relative file, or undefined for a package or a builtin. */
  to?: string;
  specifier: string;
  kind: ImportKind;
  line: number;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** `import(expr)`/`require(expr)` whose target no scanner can know, as `file:line`. */
  computed: string[];
  /** Relative specifiers that resolve to no file, as `file:line specifier`. */
  unresolved: string[];
}

export interface Layer {
  name: string;
  /** Directories or files (repository-relative); a file's layer is its longest matching path. */
  paths: string[];
  /** Layers this one may import; "*" stands for every layer listed before it. */
  may: string[];
  /** Layers it may import only through a dynamic `import()` (loaded on demand, not at start). */
  lazy?: string[];
  /** Whether it may import cdktf, @cdktf/* and constructs. */
  cdktf?: boolean;
  job: string;
}

export interface LayerTable {
  layers: Layer[];
}

export type ViolationKind = 'layer' | 'cycle' | 'cdktf' | 'unplaced';

export interface Violation {
  kind: ViolationKind;
  /** A stable key an allowlist can name: `from -> to` for an edge, the file for an unplaced one. */
  key: string;
  message: string;
}

const CODE = /\.(ts|js|mjs|cjs)$/;
const CDKTF = /^(cdktf|@cdktf\/.*|constructs)(\/.*)?$/;

export function listFiles(root: string, rel: string, out: string[]): void {
  const abs = join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isDirectory()) {
    for (const name of readdirSync(abs).sort()) {
      if (name === 'node_modules') continue;
      listFiles(root, posix.join(rel, name), out);
    }
  } else if (CODE.test(rel) && !rel.endsWith('.d.ts')) {
    out.push(rel);
  }
}

/** The file a relative specifier names, trying what Node and TypeScript would try. */
export function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [base, `${base}.ts`, `${stem}.ts`, `${base}.js`, `${base}.json`, `${base}/index.ts`, `${base}/index.js`];
  for (const c of candidates) {
    const abs = join(root, c);
    if (existsSync(abs) && statSync(abs).isFile()) return c;
  }
  return undefined;
}

function allTypeOnly(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length > 0 && elements.every((e) => e.isTypeOnly);
}

function importKind(node: ts.ImportDeclaration): ImportKind {
  const clause = node.importClause;
  if (!clause) return 'static'; // `import './x'` runs the module
  if (clause.isTypeOnly) return 'type';
  if (clause.name) return 'static';
  const bindings = clause.namedBindings;
  return bindings && ts.isNamedImports(bindings) && allTypeOnly(bindings.elements) ? 'type' : 'static';
}

function exportKind(node: ts.ExportDeclaration): ImportKind {
  if (node.isTypeOnly) return 'type';
  const clause = node.exportClause;
  return clause && ts.isNamedExports(clause) && allTypeOnly(clause.elements) ? 'type' : 'static';
}

function isRequireCall(node: ts.CallExpression): boolean {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  // require.resolve('./x') names a module a worker or a child process will load
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'require' &&
    callee.name.text === 'resolve'
  );
}

/** Every import in one file's text: [specifier or undefined when computed, kind, line]. */
export function importsOf(fileName: string, text: string): { specifier?: string; kind: ImportKind; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const found: { specifier?: string; kind: ImportKind; line: number }[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      found.push({ specifier: literal(node.moduleSpecifier), kind: importKind(node), line: lineOf(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      found.push({ specifier: literal(node.moduleSpecifier), kind: exportKind(node), line: lineOf(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      found.push({ specifier: literal(node.moduleReference.expression), kind: node.isTypeOnly ? 'type' : 'require', line: lineOf(node) });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : undefined;
      found.push({ specifier: spec, kind: 'type', line: lineOf(node) });
    } else if (ts.isCallExpression(node)) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (dynamic || isRequireCall(node)) {
        found.push({ specifier: literal(node.arguments[0]), kind: dynamic ? 'dynamic' : 'require', line: lineOf(node) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph of `roots` (repository-relative files or directories) under `root`. */
export function readImportGraph(root: string, roots: string[] = SCANNED_ROOTS): ImportGraph {
  const files: string[] = [];
  for (const r of roots) listFiles(root, r, files);
  const graph: ImportGraph = { files, edges: [], computed: [], unresolved: [] };
  for (const from of files) {
    for (const imp of importsOf(from, readFileSync(join(root, from), 'utf8'))) {
      if (imp.specifier === undefined) {
        graph.computed.push(`${from}:${imp.line}`);
        continue;
      }
      if (imp.specifier.startsWith('.')) {
        const to = resolveRelative(root, from, imp.specifier);
        if (to === undefined) graph.unresolved.push(`${from}:${imp.line} ${imp.specifier}`);
        else graph.edges.push({ from, to, specifier: imp.specifier, kind: imp.kind, line: imp.line });
      } else {
        graph.edges.push({ from, specifier: imp.specifier, kind: imp.kind, line: imp.line });
      }
    }
  }
  return graph;
}

export function loadLayerTable(root: string): LayerTable {
  return JSON.parse(readFileSync(join(root, 'docs', 'layers.json'), 'utf8')) as LayerTable;
}

/** The layer a repository-relative file belongs to: the one with its longest matching path. */
export function layerOf(table: LayerTable, file: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const layer of table.layers) {
    for (const p of layer.paths) {
      if ((file === p || file.startsWith(`${p}/`)) && (!best || p.length > best.length)) best = { layer, length: p.length };
    }
  }
  return best?.layer;
}

/** Each layer's allowed imports with "*" expanded (every layer listed before it). */
function allowed(table: LayerTable): Map<string, { may: Set<string>; lazy: Set<string> }> {
  const out = new Map<string, { may: Set<string>; lazy: Set<string> }>();
  table.layers.forEach((layer, i) => {
    const may = new Set<string>([layer.name]);
    for (const m of layer.may) {
      if (m === '*') for (const below of table.layers.slice(0, i)) may.add(below.name);
      else may.add(m);
    }
    out.set(layer.name, { may, lazy: new Set(layer.lazy ?? []) });
  });
  return out;
}

/** The table itself: names unique, every name it refers to defined. */
export function tableErrors(table: LayerTable): string[] {
  const names = new Set<string>();
  const errors: string[] = [];
  for (const l of table.layers) {
    if (names.has(l.name)) errors.push(`layer ${l.name} is defined twice`);
    names.add(l.name);
  }
  for (const l of table.layers) {
    for (const m of [...l.may, ...(l.lazy ?? [])]) {
      if (m !== '*' && !names.has(m)) errors.push(`layer ${l.name} refers to an undefined layer ${m}`);
    }
  }
  return errors;
}

/** File-level cycles: each strongly connected component of more than one file (or a self-import). */
export function importCycles(edges: { from: string; to?: string }[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.to === undefined || !CODE.test(e.to)) continue;
    const list = next.get(e.from) ?? [];
    list.push(e.to);
    next.set(e.from, list);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  // Tarjan's algorithm, iterative so a deep chain cannot overflow the stack.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = next.get(frame.node) ?? [];
      if (frame.i < targets.length) {
        const t = targets[frame.i++];
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && targets.includes(frame.node);
        if (component.length > 1 || selfLoop) cycles.push(component.sort());
      }
    }
  }
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * Every violation of `table` in `graph`. `cycleEdges` are edges (as `from -> to`) an allowlist
 * lets close a cycle: cycles are looked for in the graph without them.
 */
export function layerViolations(graph: ImportGraph, table: LayerTable, cycleEdges: ReadonlySet<string> = new Set()): Violation[] {
  const rules = allowed(table);
  const violations: Violation[] = [];
  for (const file of graph.files) {
    if (!layerOf(table, file)) violations.push({ kind: 'unplaced', key: file, message: `${file} is in no layer of docs/layers.json` });
  }
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const from = layerOf(table, e.from);
    if (!from) continue;
    if (e.to === undefined) {
      if (CDKTF.test(e.specifier) && !from.cdktf) {
        const key = `${e.from} -> ${e.specifier}`;
        if (!seen.has(key)) violations.push({ kind: 'cdktf', key, message: `${e.from}:${e.line} imports ${e.specifier}; cdktf belongs under stacks/` });
        seen.add(key);
      }
      continue;
    }
    if (!CODE.test(e.to)) continue; // data (package.json, schemas) is not a layer
    const to = layerOf(table, e.to);
    const key = `${e.from} -> ${e.to}`;
    if (seen.has(key)) continue;
    if (!to) {
      violations.push({ kind: 'unplaced', key, message: `${e.from}:${e.line} imports ${e.to}, which is in no layer` });
      seen.add(key);
      continue;
    }
    const rule = rules.get(from.name)!;
    // Judged per import: a file may load a lazy layer on demand and still break the rule by also importing it statically.
    if (rule.may.has(to.name) || (e.kind === 'dynamic' && rule.lazy.has(to.name))) continue;
    seen.add(key);
    violations.push({
      kind: 'layer',
      key,
      message: `${e.from}:${e.line} (${from.name}) imports ${e.to} (${to.name})${e.kind === 'type' ? ' (type only)' : ''}; ${from.name} may import ${[...rule.may].filter((n) => n !== from.name).join(', ') || 'nothing else'}`,
    });
  }
  const kept = graph.edges.filter((e) => e.to !== undefined && !cycleEdges.has(`${e.from} -> ${e.to}`));
  for (const cycle of importCycles(kept)) {
    violations.push({ kind: 'cycle', key: cycle.join(' <-> '), message: `import cycle: ${cycle.join(', ')}` });
  }
  return violations;
}

/** Whether `to` reaches `from` through `edges`: an edge from -> to then closes a cycle. */
export function closesCycle(edges: { from: string; to?: string }[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.to !== undefined) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Set<string>([to]);
  const queue = [to];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === from) return true;
    for (const n of next.get(node) ?? []) if (!seen.has(n)) queue.push(n), seen.add(n);
  }
  return false;
}

if (process.argv[1] === __filename) {
  const root = join(__dirname, '..');
  const table = loadLayerTable(root);
  const graph = readImportGraph(root);
  const problems = [...tableErrors(table), ...layerViolations(graph, table).map((v) => `${v.kind}: ${v.message}`), ...graph.unresolved.map((u) => `unresolved: ${u}`)];
  for (const p of problems) process.stdout.write(`${p}\n`);
  process.stdout.write(`${graph.files.length} files, ${graph.edges.length} imports, ${problems.length} problems (${relative(process.cwd(), join(root, 'docs', 'layers.json')) || 'docs/layers.json'})\n`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

