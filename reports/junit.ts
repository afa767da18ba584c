import type { ControlResult, FrameworkCoverage } from '../src/findings/coverage';
import type { Finding, FindingsView } from '../src/model/finding';
import { escapeXml as x } from './escape';
import { GroupedTexts } from './grouped';
import { collectText, type TextSink } from './sink';
import { compareFindingKeys, findingKey, findingSpool, type FindingKey, locationLabel, type ReportContext, subjectFields, subjectLabel } from './view';

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

interface Tally {
  tests: number;
  failures: number;
  skipped: number;
}

type Outcome = 'failure' | 'skipped' | 'other';

function outcomeOf(c: Case): Outcome {
  return c.failure ? 'failure' : c.skipped !== undefined ? 'skipped' : 'other';
}

/** A finding's case outcome depends on its status only (as findingCase decides it). */
function findingOutcome(f: Finding): Outcome {
  switch (f.status) {
    case 'fail':
    case 'error':
      return 'failure';
    case 'muted':
    case 'manual':
    case 'not-applicable':
      return 'skipped';
    default:
      return 'other';
  }
}

function count(t: Tally, o: Outcome): void {
  t.tests++;
  if (o === 'failure') t.failures++;
  if (o === 'skipped') t.skipped++;
}

function suiteHead(name: string, t: Tally, timestamp: string): string {
  return `  <testsuite name="${x(name)}" tests="${t.tests}" failures="${t.failures}" errors="0" skipped="${t.skipped}" time="0" timestamp="${x(timestamp.replace(/Z$/, ''))}">\n`;
}

/**
 * JUnit XML: a suite per framework version, a test case per control and subject (a failure for a
 * failing finding, skipped for muted, manual and not covered), and a case for every control that
 * has no subject, so CI shows passes too. Findings of rules that map to no control get a suite of
 * their own. Counts come from a first pass; the findings are then put in report order through a
 * spool and filed by control on disk, so neither the findings nor the file are ever in memory.
 */
export function writeJunit(doc: FindingsView, coverage: FrameworkCoverage[], out: TextSink, ctx: Pick<ReportContext, 'memoryLimit'> = {}): void {
  // Every control of the coverage in order, then one slot for findings without a control.
  const slotOf = new Map<string, number>();
  const controls: ControlResult[] = [];
  for (const fw of coverage) for (const c of fw.controls) if (!slotOf.has(c.ref)) slotOf.set(c.ref, controls.push(c) - 1);
  const unmappedSlot = controls.length;
  const perSlot: Tally[] = Array.from({ length: controls.length + 1 }, () => ({ tests: 0, failures: 0, skipped: 0 }));
  for (const f of doc.findings) {
    const outcome = findingOutcome(f);
    if (f.controls.length === 0) count(perSlot[unmappedSlot], outcome);
    for (const c of f.controls) {
      const slot = slotOf.get(c);
      if (slot !== undefined) count(perSlot[slot], outcome);
    }
  }

  const suites: { name: string; slots: number[]; tally: Tally }[] = [];
  const total: Tally = { tests: 0, failures: 0, skipped: 0 };
  const add = (into: Tally, t: Tally) => {
    into.tests += t.tests;
    into.failures += t.failures;
    into.skipped += t.skipped;
  };
  for (const fw of coverage) {
    const tally: Tally = { tests: 0, failures: 0, skipped: 0 };
    const slots: number[] = [];
    for (const c of fw.controls) {
      const slot = slotOf.get(c.ref)!;
      slots.push(slot);
      if (perSlot[slot].tests > 0) add(tally, perSlot[slot]);
      else count(tally, outcomeOf(controlCase(c.ref, c)));
    }
    suites.push({ name: `${fw.framework}@${fw.version}`, slots, tally });
  }
  if (perSlot[unmappedSlot].tests > 0) suites.push({ name: 'trailproof (no control mapped)', slots: [unmappedSlot], tally: perSlot[unmappedSlot] });
  const inputProblems = doc.inputs.filter((i) => i.status !== 'processed');
  const inputCases: Case[] = inputProblems.map((i) =>
    i.status === 'error'
      ? { classname: 'inputs', name: i.path, failure: { message: i.reason ?? 'error', type: 'input-error', body: `${locationLabel({ path: i.path })}: ${i.reason ?? ''}` } }
      : { classname: 'inputs', name: i.path, skipped: i.reason ?? 'skipped' },
  );
  const inputTally: Tally = { tests: 0, failures: 0, skipped: 0 };
  for (const c of inputCases) count(inputTally, outcomeOf(c));
  for (const s of suites) add(total, s.tally);
  add(total, inputTally);

  // Report order once, then each finding's text once, filed under every control it maps to.
  const sorted = findingSpool<[FindingKey, number[]]>(
    (f) => {
      const slots: number[] = f.controls.length === 0 ? [unmappedSlot] : [];
      for (const c of f.controls) {
        const slot = slotOf.get(c);
        if (slot !== undefined) slots.push(slot);
      }
      return [findingKey(f), slots];
    },
    (a, b) => compareFindingKeys(a[0], b[0]),
    ctx,
  );
  for (const f of doc.findings) sorted.add(f);
  const bySlot = new GroupedTexts(controls.length + 1, ctx.memoryLimit);
  try {
    for (const [[, slots], json] of sorted.entries()) bySlot.add(json, slots);
    sorted.release();
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n');
    out.write(`<testsuites name="trailproof ${x(doc.tool.version)}" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}" time="0">\n`);
    for (const suite of suites) {
      out.write(suiteHead(suite.name, suite.tally, doc.startedAt));
      for (const slot of suite.slots) {
        if (perSlot[slot].tests === 0) {
          out.write(renderCase(controlCase(controls[slot].ref, controls[slot])));
          continue;
        }
        const classname = slot === unmappedSlot ? undefined : controls[slot].ref;
        for (const json of bySlot.read(slot)) {
          const f = JSON.parse(json) as Finding;
          out.write(renderCase(findingCase(classname ?? f.ruleId, f)));
        }
      }
      out.write('  </testsuite>\n');
    }
    if (inputCases.length > 0) {
      out.write(suiteHead('trailproof inputs', inputTally, doc.startedAt));
      for (const c of inputCases) out.write(renderCase(c));
      out.write('  </testsuite>\n');
    }
    out.write('</testsuites>\n');
  } finally {
    sorted.release();
    bySlot.close();
  }
}

/** The JUnit XML as one string (small documents, tests). */
export function renderJunit(doc: FindingsView, coverage: FrameworkCoverage[]): string {
  return collectText((out) => writeJunit(doc, coverage, out));
}
