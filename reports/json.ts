import type { ValidateFunction } from 'ajv';
import type { Finding, FindingsView } from '../src/model/finding';
import type { ReportWriter, TextSink } from '../src/model/report-writer';
import { explainErrors, schemaValidators as compiledValidators, type SchemaProblem } from '../src/util/schema';
import { writeJsonFilling } from './sink';

/**
 * The published schema, and its `finding` definition on its own so findings are checked one at a
 * time, compiled together: the definition is compiled once, with the document (a second ajv
 * instance compiled it again, ~100-200 ms more at every write).
 */
function schemaValidators(): { document: ValidateFunction; finding: ValidateFunction } {
  return compiledValidators('findings.schema.json', { document: '', finding: '#/definitions/finding' });
}

/** The document without its findings, as the schema sees it. */
function shellOf(doc: FindingsView): unknown {
  return { ...doc, findings: [] };
}

function shellProblems(doc: FindingsView): SchemaProblem[] {
  const validate = schemaValidators().document;
  return validate(shellOf(doc)) ? [] : explainErrors(validate.errors);
}

function findingProblems(f: Finding, index: number): SchemaProblem[] {
  const validate = schemaValidators().finding;
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
    const validate = schemaValidators().document;
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
 * Which findings the writer checks against the schema: the first of each kind (rule, status,
 * subject kind, baseline mark, suppression or not). Findings of one kind are made by the same
 * code from the same rule, so the rest would pass or fail alike, and ajv on every finding was
 * about 15 % of writing findings.json of a large scan. The whole document is checked against the
 * schema by the tests (test/reports/one-pass.test.ts, test/scan/spill.test.ts).
 */
class SchemaSampler {
  private readonly seen = new Set<string>();
  private index = 0;

  /** Problems of the finding at the next index when it is the first of its kind (else none). */
  check(f: Finding): SchemaProblem[] {
    const i = this.index++;
    const kind = `${f.ruleId}\u0000${f.status}\u0000${(f.subject as { kind?: unknown } | undefined)?.kind}\u0000${f.baseline}\u0000${f.suppression === undefined ? 0 : 1}`;
    if (this.seen.has(kind)) return [];
    this.seen.add(kind);
    return findingProblems(f, i);
  }
}

/**
 * findings.json exactly as published, written finding by finding. The shell and the first
 * finding of each kind are checked against the schema before they are written (SchemaSampler);
 * the caller discards the file when this throws, so a file that fails its own schema that way is
 * never left behind.
 */
function writeJson(doc: FindingsView, out: TextSink): void {
  const shell = shellProblems(doc);
  if (shell.length > 0) throw new FindingsContractError(shell);
  const sampler = new SchemaSampler();
  const checked = function* () {
    for (const f of doc.findings) {
      const problems = sampler.check(f);
      if (problems.length > 0) throw new FindingsContractError(problems);
      yield f;
    }
  };
  writeJsonFilling(shellOf(doc), 'findings', 1, checked(), out);
  out.write('\n');
}

/** The report, as reports/registry.ts registers it (format json, findings.json). */
export const write: ReportWriter['write'] = (doc, _ctx, out) => writeJson(doc, out);
