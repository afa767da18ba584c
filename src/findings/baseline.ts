import { readFileSync } from 'node:fs';
import type { Finding, FindingsDocument, FindingsView } from '../model/finding';
import { describeJsonError } from '../util/json-position';
import { explainErrors, schemaValidator } from '../util/schema';
import { mapFindings } from './list';

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
 * Whether this run judged a subject again although it left no finding for it: an event or a file
 * whose input was read again (the rule looked at it and no longer matched), or a resource gone
 * from a file that was read again. A subject of an input kind not scanned this time, or from a
 * file not read again, was not judged: calling it fixed would be a claim nobody checked.
 */
function judgedAgain(f: Pick<Finding, 'subject'>, processedPaths: ReadonlySet<string>): boolean {
  return processedPaths.has(f.subject.source.path);
}

/**
 * Mark each finding against a previous run. Ids are stable for the same rule and subject, so:
 * a finding is `unchanged` when the baseline has the same id on the same side (open or closed),
 * `new` otherwise (a subject that passed before and fails now is a new failure). Baseline
 * findings that were open and are no longer open are `fixed` only when this run judged them
 * again (the same id now passes, or its input was read again and no longer gives it); the rest
 * are listed as `notRejudged`. The scan's findings are marked as they are read (one pass here for
 * the counts); only the baseline is held in memory.
 */
export function applyBaseline(doc: FindingsView, baseline: FindingsDocument, source = 'baseline'): FindingsView {
  const before = new Map<string, Finding>();
  for (const f of baseline.findings) before.set(f.id, f);
  const mark = (f: Finding): Finding => {
    const prev = before.get(f.id);
    return { ...f, baseline: prev && isOpen(prev) === isOpen(f) ? 'unchanged' : 'new' };
  };
  const findings = mapFindings(doc.findings, mark);
  // Baseline ids seen now, open or closed: bounded by the baseline, not by this scan.
  const stillOpen = new Set<string>();
  const nowClosed = new Set<string>();
  let fresh = 0;
  let unchanged = 0;
  for (const f of findings) {
    if (!isOpen(f)) {
      if (before.has(f.id)) nowClosed.add(f.id);
      continue;
    }
    if (before.has(f.id)) stillOpen.add(f.id);
    if (f.baseline === 'new') fresh++;
    else unchanged++;
  }
  const processed = new Set(doc.inputs.filter((i) => i.status === 'processed').map((i) => i.path));
  const fixed: NonNullable<FindingsView['fixed']> = [];
  const notRejudged: NonNullable<FindingsView['notRejudged']> = [];
  for (const f of baseline.findings) {
    if (!isOpen(f) || stillOpen.has(f.id)) continue;
    const entry = { id: f.id, ruleId: f.ruleId, title: f.title, subject: f.subject };
    if (nowClosed.has(f.id) || judgedAgain(f, processed)) fixed.push(entry);
    else notRejudged.push(entry);
  }
  return {
    ...doc,
    findings,
    fixed,
    notRejudged,
    baseline: { source, new: fresh, unchanged, fixed: fixed.length, notRejudged: notRejudged.length },
  };
}
