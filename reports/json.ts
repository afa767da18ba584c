import type { FindingsDocument } from '../src/model/finding';
import { explainErrors, schemaValidator, type SchemaProblem } from '../src/util/schema';

/** Problems of a document against the published schemas/findings.schema.json (empty when valid). */
export function findingsSchemaProblems(doc: unknown): SchemaProblem[] {
  const validate = schemaValidator('findings.schema.json');
  return validate(doc) ? [] : explainErrors(validate.errors);
}

export class FindingsContractError extends Error {
  constructor(readonly problems: SchemaProblem[]) {
    super(`findings document does not match schemas/findings.schema.json: ${problems.slice(0, 5).map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`);
    this.name = 'FindingsContractError';
  }
}

/** findings.json exactly as published: a file that fails its own schema is never written. */
export function renderJson(doc: FindingsDocument): string {
  const problems = findingsSchemaProblems(doc);
  if (problems.length > 0) throw new FindingsContractError(problems);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
