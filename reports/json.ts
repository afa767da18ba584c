import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, FindingsView } from '../src/model/finding';
import { explainErrors, schemaValidator, type SchemaProblem } from '../src/util/schema';
import { REPO_ROOT } from '../src/version';
import { collectText, type TextSink, writeJsonFilling } from './sink';

let findingSchema: ValidateFunction | undefined;

/** The published schema's `finding` definition on its own, so findings are checked one at a time. */
function findingValidator(): ValidateFunction {
  if (!findingSchema) {
    // The same options as src/util/schema.ts, so the parts judge exactly as the whole would.
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'findings.schema.json'), 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    findingSchema = ajv.getSchema(`${schema.$id}#/definitions/finding`);
    if (!findingSchema) throw new Error('findings.schema.json has no definitions/finding');
  }
  return findingSchema;
}

/** The document without its findings, as the schema sees it. */
function shellOf(doc: FindingsView): unknown {
  return { ...doc, findings: [] };
}

function shellProblems(doc: FindingsView): SchemaProblem[] {
  const validate = schemaValidator('findings.schema.json');
  return validate(shellOf(doc)) ? [] : explainErrors(validate.errors);
}

function findingProblems(f: Finding, index: number): SchemaProblem[] {
  const validate = findingValidator();
  if (validate(f)) return [];
  return explainErrors(validate.errors).map((p) => ({ pointer: `/findings/${index}${p.pointer}`, message: p.message }));
}

/**
 * Problems of a document against the published schemas/findings.schema.json (empty when valid):
 * the document without its findings, then each finding, so a large scan is never validated (or
 * held) as one value.
 */
export function findingsSchemaProblems(value: unknown): SchemaProblem[] {
  const list = (value as { findings?: unknown } | undefined)?.findings;
  // Not a list at all: the whole-document check says what is wrong with it.
  if (typeof list !== 'object' || list === null || typeof (list as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    const validate = schemaValidator('findings.schema.json');
    return validate(value) ? [] : explainErrors(validate.errors);
  }
  const doc = value as FindingsView;
  const problems = shellProblems(doc);
  let i = 0;
  for (const f of doc.findings) problems.push(...findingProblems(f, i++));
  return problems;
}

export class FindingsContractError extends Error {
  constructor(readonly problems: SchemaProblem[]) {
    super(`findings document does not match schemas/findings.schema.json: ${problems.slice(0, 5).map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`);
    this.name = 'FindingsContractError';
  }
}

/**
 * findings.json exactly as published, written finding by finding. Each finding is checked against
 * the schema before it is written; the caller discards the file when this throws, so a file that
 * fails its own schema is never left behind.
 */
export function writeJson(doc: FindingsView, out: TextSink): void {
  const shell = shellProblems(doc);
  if (shell.length > 0) throw new FindingsContractError(shell);
  let i = 0;
  const checked = function* () {
    for (const f of doc.findings) {
      const problems = findingProblems(f, i++);
      if (problems.length > 0) throw new FindingsContractError(problems);
      yield f;
    }
  };
  writeJsonFilling(shellOf(doc), 'findings', 1, checked(), out);
  out.write('\n');
}

/** findings.json as one string (small documents, tests). */
export function renderJson(doc: FindingsView): string {
  return collectText((out) => writeJson(doc, out));
}
