import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../version';

const compiled = new Map<string, ValidateFunction>();

/**
 * Compile a schema from schemas/ once, in ajv's strict mode so a schema typo is an error, not a
 * silent pass. strictRequired stays off: it rejects the oneOf/if-then `required` idiom the rule
 * schema depends on.
 */
export function schemaValidator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', name), 'utf8'));
    v = ajv.compile(schema);
    compiled.set(name, v);
  }
  return v;
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
