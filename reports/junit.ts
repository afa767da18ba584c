import type { ControlResult, FrameworkCoverage } from '../src/findings/coverage';
import type { Finding, FindingsDocument } from '../src/model/finding';
import { escapeXml as x } from './escape';
import { locationLabel, sortFindings, subjectFields, subjectLabel } from './view';

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  output?: string;
}

/** One finding appears once per control it maps to; keep each copy of the evidence short. */
const EVIDENCE_CHARS = 600;
function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length - n} more characters in findings.json)`;
}

function findingCase(classname: string, f: Finding): Case {
  const name = `${subjectLabel(f.subject)} [${f.id}]`;
  const body = [
    f.message,
    ...subjectFields(f.subject).map(([k, v]) => `${k}: ${v}`),
    `rule: ${f.ruleId} (${f.severity})`,
    `evidence: ${clip(JSON.stringify(f.evidence), EVIDENCE_CHARS)}`,
    `remediation: ${f.remediation}`,
    ...(f.baseline ? [`baseline: ${f.baseline}`] : []),
    ...(f.suppression?.expired ? [`suppression expired ${f.suppression.expires}: ${f.suppression.reason}`] : []),
  ].join('\n');
  switch (f.status) {
    case 'fail':
      return { classname, name, failure: { message: f.message, type: f.severity, body } };
    case 'muted':
      return { classname, name, skipped: `muted until ${f.suppression?.expires ?? '?'} (${f.suppression?.owner ?? '?'}): ${f.suppression?.reason ?? ''}`, output: body };
    case 'manual':
    case 'not-applicable':
      return { classname, name, skipped: f.status, output: body };
    case 'error':
      return { classname, name, failure: { message: `error: ${f.message}`, type: 'error', body } };
    default:
      return { classname, name, output: body };
  }
}

/** A control with no subject of its own still gets one case, so its status shows in CI. */
function controlCase(classname: string, c: ControlResult): Case {
  const name = `${c.id}${c.title ? ` ${c.title}` : ''}`;
  if (c.status === 'manual' || c.status === 'not-covered') return { classname, name, skipped: `${c.status}: ${c.basis}` };
  return { classname, name, output: c.basis };
}

function renderCase(c: Case): string {
  let s = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="0">`;
  if (c.failure) s += `\n      <failure message="${x(c.failure.message)}" type="${x(c.failure.type)}">${x(c.failure.body)}</failure>`;
  if (c.skipped !== undefined) s += `\n      <skipped message="${x(c.skipped)}"/>`;
  if (c.output) s += `\n      <system-out>${x(c.output)}</system-out>`;
  return `${s}\n    </testcase>\n`;
}

function renderSuite(name: string, cases: Case[], timestamp: string): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  return (
    `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${x(timestamp.replace(/Z$/, ''))}">\n` +
    cases.map(renderCase).join('') +
    '  </testsuite>\n'
  );
}

/**
 * JUnit XML: a suite per framework version, a test case per control and subject (a failure for a
 * failing finding, skipped for muted, manual and not covered), and a case for every control that
 * has no subject, so CI shows passes too. Findings of rules that map to no control get a suite of
 * their own.
 */
export function renderJunit(doc: FindingsDocument, coverage: FrameworkCoverage[]): string {
  const byControl = new Map<string, Finding[]>();
  const unmapped: Finding[] = [];
  for (const f of sortFindings(doc.findings)) {
    if (f.controls.length === 0) unmapped.push(f);
    for (const c of f.controls) {
      const list = byControl.get(c) ?? [];
      list.push(f);
      byControl.set(c, list);
    }
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const push = (name: string, cases: Case[]) => {
    tests += cases.length;
    failures += cases.filter((c) => c.failure).length;
    skipped += cases.filter((c) => c.skipped !== undefined).length;
    suites.push(renderSuite(name, cases, doc.startedAt));
  };
  for (const fw of coverage) {
    const cases: Case[] = [];
    for (const c of fw.controls) {
      const classname = c.ref;
      const fs = byControl.get(c.ref) ?? [];
      if (fs.length === 0) cases.push(controlCase(classname, c));
      else cases.push(...fs.map((f) => findingCase(classname, f)));
    }
    push(`${fw.framework}@${fw.version}`, cases);
  }
  if (unmapped.length > 0) push('trailproof (no control mapped)', unmapped.map((f) => findingCase(f.ruleId, f)));
  const inputProblems = doc.inputs.filter((i) => i.status !== 'processed');
  if (inputProblems.length > 0) {
    push(
      'trailproof inputs',
      inputProblems.map((i) =>
        i.status === 'error'
          ? { classname: 'inputs', name: i.path, failure: { message: i.reason ?? 'error', type: 'input-error', body: `${locationLabel({ path: i.path })}: ${i.reason ?? ''}` } }
          : { classname: 'inputs', name: i.path, skipped: i.reason ?? 'skipped' },
      ),
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="trailproof ${x(doc.tool.version)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}
