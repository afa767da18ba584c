/**
 * node bin/run-ts.js scripts/dead-exports.ts
 *
 * Value exports (functions, classes, constants) of the product code that no other file uses,
 * tests and scripts included: each is unused code, or code used only where it is declared, which
 * then need not be exported. Read from the syntax (the TypeScript parser, no type checker, so it
 * runs in a second): named, default and namespace imports, re-exports (`export *` followed),
 * `import()`/`require()` destructured or read by property, `import('./x').T` types.
 * test/meta/dead-exports.test.ts keeps the list to exports something loads by name.
 *
 * Exported types are not judged: an options or result interface is part of the signature of the
 * function it belongs to, whether or not a caller spells its name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { listFiles, resolveRelative } from './layers';

/** Every file that can use an export. */
const USERS = ['src', 'reports', 'stacks', 'scripts', 'bin', 'test', 'main.ts'];
/** The files whose exports are judged. */
const JUDGED = /^(src|reports|stacks)\/|^main\.ts$/;

interface ModuleInfo {
  /** Exported name -> whether it is a value (not only a type). */
  exports: Map<string, boolean>;
  /** `export { a as b } from './x'`: b -> [x, a, whether a value]. */
  reexports: Map<string, [file: string, name: string, value: boolean]>;
  /** `export * from './x'`. */
  stars: string[];
  /** Uses of other modules' exports: [file, name], name '*' for every export. */
  uses: [file: string, name: string][];
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) => (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []).some((m) => m.kind === kind) : false);

function isImportCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** `await import('x')`, `(import('x'))`, `require('x')` unwrapped to the call, else undefined. */
function moduleCall(node: ts.Node): ts.CallExpression | undefined {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isAwaitExpression(n)) n = n.expression;
  return isImportCall(n) ? n : undefined;
}

function readModule(root: string, file: string): ModuleInfo {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const info: ModuleInfo = { exports: new Map(), reexports: new Map(), stars: [], uses: [] };
  const resolve = (spec: ts.Node | undefined) => (spec && ts.isStringLiteralLike(spec) && spec.text.startsWith('.') ? resolveRelative(root, file, spec.text) : undefined);
  const namespaces = new Map<string, string>(); // local namespace identifier -> module file
  const handled = new Set<ts.Node>(); // identifiers and calls already read as a use

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const target = resolve(node.moduleSpecifier);
      const clause = node.importClause;
      if (target && clause) {
        if (clause.name) info.uses.push([target, 'default']);
        const b = clause.namedBindings;
        if (b && ts.isNamespaceImport(b)) namespaces.set(b.name.text, target);
        if (b && ts.isNamedImports(b)) for (const e of b.elements) info.uses.push([target, (e.propertyName ?? e.name).text]);
      }
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const target = resolve(node.moduleSpecifier);
      const clause = node.exportClause;
      if (node.moduleSpecifier) {
        if (!target) return;
        if (!clause) info.stars.push(target);
        else if (ts.isNamespaceExport(clause)) info.exports.set(clause.name.text, true), info.uses.push([target, '*']);
        else for (const e of clause.elements) info.reexports.set(e.name.text, [target, (e.propertyName ?? e.name).text, !(node.isTypeOnly || e.isTypeOnly)]);
      } else if (clause && ts.isNamedExports(clause)) {
        for (const e of clause.elements) info.exports.set(e.name.text, !(node.isTypeOnly || e.isTypeOnly));
      }
      return;
    }
    if (ts.isExportAssignment(node)) info.exports.set('default', true);
    if (hasModifier(node, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(node, ts.SyntaxKind.DefaultKeyword);
      const value = !(ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node));
      if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) info.exports.set(d.name.text, true);
      } else if (isDefault) {
        info.exports.set('default', true);
      } else {
        const name = (node as ts.DeclarationStatement).name;
        if (name && ts.isIdentifier(name)) info.exports.set(name.text, value);
      }
    }
    // const { a, b: c } = await import('./x') / require('./x')
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isObjectBindingPattern(node.name)) {
      const call = moduleCall(node.initializer);
      const target = call && resolve(call.arguments[0]);
      if (call && target) {
        handled.add(call);
        for (const e of node.name.elements) {
          const key = e.propertyName ?? e.name;
          info.uses.push([target, ts.isIdentifier(key) ? key.text : '*']);
        }
      }
    }
    // (await import('./x')).a / require('./x').a
    if (ts.isPropertyAccessExpression(node)) {
      const call = moduleCall(node.expression);
      const target = call && resolve(call.arguments[0]);
      if (call && target) handled.add(call), info.uses.push([target, node.name.text]);
      if (ts.isIdentifier(node.expression) && namespaces.has(node.expression.text)) {
        handled.add(node.expression);
        info.uses.push([namespaces.get(node.expression.text)!, node.name.text]);
      }
    }
    if (ts.isQualifiedName(node) && ts.isIdentifier(node.left) && namespaces.has(node.left.text)) {
      handled.add(node.left);
      info.uses.push([namespaces.get(node.left.text)!, node.right.text]);
    }
    // import('./x').T as a type; typeof import('./x') takes the whole module
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const target = resolve(node.argument.literal);
      if (target) {
        const q = node.qualifier;
        info.uses.push([target, q && !node.isTypeOf ? (ts.isIdentifier(q) ? q.text : q.left.getText(source)) : '*']);
      }
    }
    ts.forEachChild(node, visit);
    // Anything else done with a module (kept whole, passed on) may use every export.
    if (isImportCall(node) && !handled.has(node)) {
      const target = resolve(node.arguments[0]);
      if (target) info.uses.push([target, '*']);
    }
    if (ts.isIdentifier(node) && !handled.has(node) && namespaces.has(node.text) && !ts.isNamespaceImport(node.parent)) {
      info.uses.push([namespaces.get(node.text)!, '*']);
    }
  };
  visit(source);
  return info;
}

/** Value exports, as `file: name`, that no other file uses. */
export function deadExports(root: string): string[] {
  const files: string[] = [];
  for (const r of USERS) listFiles(root, r, files);
  const modules = new Map(files.map((f) => [f, readModule(root, f)]));
  const used = new Set<string>();
  const mark = (file: string, name: string, seen = new Set<string>()): void => {
    const key = `${file}: ${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const m = modules.get(file);
    if (!m) return;
    if (name === '*') {
      for (const n of [...m.exports.keys(), ...m.reexports.keys()]) mark(file, n, seen);
      for (const s of m.stars) mark(s, '*', seen);
      return;
    }
    used.add(key);
    const re = m.reexports.get(name);
    if (re) mark(re[0], re[1], seen);
    else if (!m.exports.has(name)) for (const s of m.stars) mark(s, name, seen);
  };
  for (const [file, m] of modules) for (const [target, name] of m.uses) if (target !== file) mark(target, name);
  const dead: string[] = [];
  for (const [file, m] of modules) {
    if (!JUDGED.test(file)) continue;
    for (const [name, value] of m.exports) if (value && !used.has(`${file}: ${name}`)) dead.push(`${file}: ${name}`);
    for (const [name, [, , value]] of m.reexports) if (value && !used.has(`${file}: ${name}`)) dead.push(`${file}: ${name} (re-export)`);
  }
  return dead.sort();
}

if (process.argv[1] === __filename) {
  const dead = deadExports(join(__dirname, '..'));
  for (const d of dead) process.stdout.write(`${d}\n`);
  process.stdout.write(`${dead.length} value exports used by no other file\n`);
}
