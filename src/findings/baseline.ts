import { readFileSync } from 'node:fs';
import type { Finding, FindingsDocument } from '../model/finding';
import { describeJsonError } from '../util/json-position';
import { explainErrors, schemaValidator } from '../util/schema';

/** A failing finding, muted or not: what a baseline remembers as "known". */
function isOpen(f: Finding): boolean {
  return f.status === 'fail' || f.status === 'muted';
}

export class BaselineError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`baseline ${path}: ${problems.join('; ')}`);
    this.name = 'BaselineError';
  }
}

/** Read a previous findings.json; it must satisfy the same published schema a scan writes. */
export function loadBaseline(path: string): FindingsDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BaselineError(path, [`cannot read: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(path, [describeJsonError(err, text).message]);
  }
  const validate = schemaValidator('findings.schema.json');
  if (!validate(parsed)) {
    const problems = explainErrors(validate.errors).slice(0, 10);
    throw new BaselineError(path, problems.map((p) => `${p.pointer || '/'}: ${p.message}`));
  }
  return parsed as FindingsDocument;
}

/**
 * Mark each finding against a previous run. Ids are stable for the same rule and subject, so:
 * a finding is `unchanged` when the baseline has the same id on the same side (open or closed),
 * `new` otherwise (a subject that passed before and fails now is a new failure). Baseline
 * findings that were open and are no longer open are listed as `fixed`.
 */
export function applyBaseline(doc: FindingsDocument, baseline: FindingsDocument, source = 'baseline'): FindingsDocument {
  const before = new Map<string, Finding>();
  for (const f of baseline.findings) before.set(f.id, f);
  const openNow = new Set(doc.findings.filter(isOpen).map((f) => f.id));
  const findings = doc.findings.map((f): Finding => {
    const prev = before.get(f.id);
    return { ...f, baseline: prev && isOpen(prev) === isOpen(f) ? 'unchanged' : 'new' };
  });
  const fixed = baseline.findings
    .filter((f) => isOpen(f) && !openNow.has(f.id))
    .map((f) => ({ id: f.id, ruleId: f.ruleId, title: f.title, subject: f.subject }));
  const open = findings.filter(isOpen);
  return {
    ...doc,
    findings,
    fixed,
    baseline: {
      source,
      new: open.filter((f) => f.baseline === 'new').length,
      unchanged: open.filter((f) => f.baseline === 'unchanged').length,
      fixed: fixed.length,
    },
  };
}
