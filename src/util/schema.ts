import type { ErrorObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../version';

const compiled = new Map<string, Record<string, ValidateFunction>>();

// The options every schema is compiled with. strict, so a schema typo is an error, not a silent
// pass; strictRequired stays off: it rejects the oneOf/if-then `required` idiom the rule schema
// depends on.
const OPTIONS = { strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true } as const;

/** Where compiled validators are kept (TRAILPROOF_SCHEMA_CACHE: another directory, for tests). */
function cacheDir(): string {
  return process.env.TRAILPROOF_SCHEMA_CACHE || join(REPO_ROOT, 'node_modules', '.cache', 'trailproof', 'schemas');
}

/**
 * Compile a schema from schemas/ once, in ajv's strict mode so a schema typo is an error, not a
 * silent pass.
 */
export function schemaValidator(name: string): ValidateFunction {
  return schemaValidators(name, { validate: '' }).validate;
}

/**
 * Validators for parts of one schema from schemas/, compiled together: `refs` names each by its
 * fragment ('' for the whole schema, '#/definitions/x' for a definition), so a definition used by
 * the whole is compiled once.
 *
 * ajv's compiler (about 60 modules, and 70-100 ms a schema) runs once per schema and ajv version:
 * its output is kept as JavaScript (ajv's standalone code) under node_modules/.cache/trailproof/
 * keyed by the schema's text, and later processes load that, the same validation code, instead
 * (docs/performance.md, "Start-up"). Where the cache cannot be written, ajv compiles every time.
 */
export function schemaValidators<K extends string>(name: string, refs: Record<K, string>): Record<K, ValidateFunction> {
  const memo = `${name}\u0000${JSON.stringify(refs)}`;
  let v = compiled.get(memo);
  if (!v) {
    const text = readFileSync(join(REPO_ROOT, 'schemas', name), 'utf8');
    const ajvVersion = (require('ajv/package.json') as { version: string }).version;
    const key = createHash('sha1').update(`${ajvVersion}\u0000${JSON.stringify(OPTIONS)}\u0000${JSON.stringify(refs)}\u0000`).update(text).digest('hex');
    const file = join(cacheDir(), `${name.replace(/\.json$/, '')}-${key}.js`);
    v = loadCompiled(file) ?? compileAndKeep(text, refs, file);
    compiled.set(memo, v);
  }
  return v as Record<K, ValidateFunction>;
}

/** Runs kept standalone code with this module's require, so its `require("ajv/...")` resolve from here wherever the cache is. */
function loadCompiled(file: string): Record<string, ValidateFunction> | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const mod = { exports: {} as Record<string, ValidateFunction> };
  new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
  return mod.exports;
}

function compileAndKeep(text: string, refs: Record<string, string>, file: string): Record<string, ValidateFunction> {
  const { default: Ajv, _ } = require('ajv') as typeof import('ajv');
  const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats(ajv);
  const schema = JSON.parse(text) as { $id?: string };
  const id = schema.$id ?? file;
  ajv.addSchema(schema, id);
  const out: Record<string, ValidateFunction> = {};
  const ids: Record<string, string> = {};
  for (const [exportName, fragment] of Object.entries(refs)) {
    const fn = ajv.getSchema(`${id}${fragment}`);
    if (!fn) throw new Error(`schema ${id} has no ${fragment || 'root'}`);
    out[exportName] = fn as ValidateFunction;
    ids[exportName] = `${id}${fragment}`;
  }
  try {
    const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: unknown, refs: Record<string, string>) => string }).default;
    const code = standaloneCode(ajv, ids);
    mkdirSync(cacheDir(), { recursive: true });
    // Written aside and renamed: a process starting at the same moment reads all or nothing.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // A read-only install compiles on every start; validation is the same.
  }
  return out;
}

export interface SchemaProblem {
  pointer: string;
  message: string;
}

/**
 * ajv reports every branch of a failed oneOf/anyOf; a person wants the concrete problems. Drop the
 * combinator summaries, and drop a branch's complaint about a node when a deeper error explains it.
 */
export function explainErrors(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  if (!errors || errors.length === 0) return [];
  const concrete = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'allOf'].includes(e.keyword));
  const pool = concrete.length > 0 ? concrete : errors;
  const inBranch = (e: ErrorObject) => /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath);
  const deepest = pool.filter(
    (e) => !(inBranch(e) && pool.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`))),
  );
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of deepest) {
    let message = e.message ?? e.keyword;
    if (e.keyword === 'additionalProperties') message = `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'enum') message = `${message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: e.instancePath, message });
  }
  return out;
}
