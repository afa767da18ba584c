import type { ControlResult, FrameworkCoverage } from '../src/model/coverage';
import type { Finding, FindingsView } from '../src/model/finding';
import type { ReportWriter, TextSink, WriterContext } from '../src/model/report-writer';
import { clipText, escapeXml as x } from './escape';
import { collectText } from './sink';
import { compareFindingKeys, findingKey, findingSpool, locationLabel, subjectFields, subjectLabel } from './view';

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  output?: string;
}

/** Resource, account and file subjects with a case of their own, worst first; past it, one case per rule says how many more. */
export const JUNIT_SUBJECT_CASES = 5_000;
/** Failing subjects named in a control's failure, and events named in a rule's event case. */
export const JUNIT_SAMPLES = 10;
/** Inputs not fully read with a case of their own. */
const INPUT_CASES = 1_000;
const EVIDENCE_CHARS = 600;

function sampleLine(f: Finding): string {
  return clipText(`${subjectLabel(f.subject)} (${locationLabel(f.subject.source)}) [${f.id}]: ${f.message}`, 400);
}

function findingCase(f: Finding): Case {
  const classname = f.ruleId;
  const name = `${subjectLabel(f.subject)} [${f.id}]`;
  const body = [
    f.message,
    ...subjectFields(f.subject).map(([k, v]) => `${k}: ${v}`),
    `rule: ${f.ruleId} (${f.severity})`,
    `controls: ${f.controls.join(', ')}`,
    `evidence: ${clipText(JSON.stringify(f.evidence), EVIDENCE_CHARS)}`,
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

/** One case per control: its status as coverage judged it, with the first failing subjects named. */
function controlCase(c: ControlResult, samples: string[]): Case {
  const name = `${c.id}${c.title ? ` ${c.title}` : ''}`;
  if (c.status === 'fail') {
    const more = c.failing - samples.length;
    const body = [c.basis, ...samples, ...(more > 0 ? [`... ${more} more failing finding(s) in findings.json`] : [])].join('\n');
    return { classname: c.ref, name, failure: { message: `${c.failing} failing finding(s)`, type: 'control', body } };
  }
  if (c.status === 'manual' || c.status === 'not-covered') return { classname: c.ref, name, skipped: `${c.status}: ${c.basis}` };
  return { classname: c.ref, name, output: c.basis };
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

const emptyTally = (): Tally => ({ tests: 0, failures: 0, skipped: 0 });

function count(t: Tally, c: Case): void {
  t.tests++;
  if (c.failure) t.failures++;
  else if (c.skipped !== undefined) t.skipped++;
}

function suite(name: string, cases: Case[], timestamp: string): { text: string; tally: Tally } {
  const tally = emptyTally();
  for (const c of cases) count(tally, c);
  const head = `  <testsuite name="${x(name)}" tests="${tally.tests}" failures="${tally.failures}" errors="0" skipped="${tally.skipped}" time="0" timestamp="${x(timestamp.replace(/Z$/, ''))}">\n`;
  return { text: `${head}${cases.map(renderCase).join('')}  </testsuite>\n`, tally };
}

/** Findings of one rule folded into one case: all its events, or its subjects past the cap. */
interface Fold {
  ruleId: string;
  title: string;
  severity: string;
  what: 'event' | 'more';
  count: number;
  failing: number;
  muted: number;
  samples: string[];
}

function foldCase(g: Fold): Case {
  const name = g.what === 'event' ? `${g.count} event(s)` : `${g.count} more subject(s), not listed one by one`;
  const more = g.count - g.samples.length;
  const body = [`${g.title}: ${g.count} finding(s), ${g.failing} failing, ${g.muted} muted`, ...g.samples, ...(more > 0 ? [`... ${more} more in findings.json`] : [])].join('\n');
  if (g.failing > 0) return { classname: g.ruleId, name, failure: { message: `${g.failing} failing: ${g.title}`, type: g.severity, body } };
  if (g.muted > 0) return { classname: g.ruleId, name, skipped: `${g.muted} muted`, output: body };
  return { classname: g.ruleId, name, output: body };
}

/**
 * JUnit XML for CI test views, bounded whatever the scan's size: a suite per framework version
 * with one case per control (failure, skipped for manual and not covered, passed), and one
 * "trailproof findings" suite where each finding appears once: a case per resource, account or
 * file subject (worst first, up to JUNIT_SUBJECT_CASES; the rest folded into one case per rule)
 * and one case per rule for its events (how many, the first JUNIT_SAMPLES named). A finding is
 * never repeated per control or framework version; its controls are listed in its case. Findings
 * are read once, in report order, through a spool.
 */
function writeJunit(doc: FindingsView, ctx: Pick<WriterContext, 'coverage' | 'memoryLimit'>, out: TextSink): void {
  const coverage = ctx.coverage;
  const slotOf = new Map<string, number>();
  const controls: ControlResult[] = [];
  for (const fw of coverage) for (const c of fw.controls) if (!slotOf.has(c.ref)) slotOf.set(c.ref, controls.push(c) - 1);
  const samples: string[][] = controls.map(() => []);
  // Event rules whose matches are activity for an alarm control: not that control's failures.
  const activityFor = new Map<string, Set<string>>();
  for (const c of controls) for (const r of c.activityRules) (activityFor.get(r) ?? activityFor.set(r, new Set()).get(r)!).add(c.ref);

  const findingCases: (Case | Fold)[] = [];
  const events = new Map<string, Fold>();
  const folded = new Map<string, Fold>();
  let subjects = 0;
  const sorted = findingSpool(findingKey, compareFindingKeys, ctx);
  for (const f of doc.findings) sorted.add(f);
  try {
    for (const f of sorted) {
      if (f.status === 'fail') {
        const activity = activityFor.get(f.ruleId);
        for (const c of f.controls) {
          const slot = slotOf.get(c);
          if (slot === undefined || activity?.has(c) || samples[slot].length >= JUNIT_SAMPLES) continue;
          samples[slot].push(sampleLine(f));
        }
      }
      let fold: Fold | undefined;
      if (f.subject.kind === 'event') {
        fold = events.get(f.ruleId);
        if (!fold) {
          events.set(f.ruleId, (fold = { ruleId: f.ruleId, title: f.title, severity: f.severity, what: 'event', count: 0, failing: 0, muted: 0, samples: [] }));
          findingCases.push(fold);
        }
      } else if (subjects < JUNIT_SUBJECT_CASES) {
        subjects++;
        findingCases.push(findingCase(f));
        continue;
      } else {
        fold = folded.get(f.ruleId);
        if (!fold) folded.set(f.ruleId, (fold = { ruleId: f.ruleId, title: f.title, severity: f.severity, what: 'more', count: 0, failing: 0, muted: 0, samples: [] }));
      }
      fold.count++;
      if (f.status === 'fail' || f.status === 'error') fold.failing++;
      if (f.status === 'muted') fold.muted++;
      if (fold.samples.length < JUNIT_SAMPLES) fold.samples.push(sampleLine(f));
    }
  } finally {
    sorted.release();
  }

  const parts: { text: string; tally: Tally }[] = [];
  for (const fw of coverage) {
    parts.push(suite(`${fw.framework}@${fw.version}`, fw.controls.map((c) => controlCase(c, samples[slotOf.get(c.ref)!])), doc.startedAt));
  }
  const cases = [...findingCases, ...folded.values()].map((c) => ('what' in c ? foldCase(c) : c));
  if (cases.length > 0) parts.push(suite('trailproof findings', cases, doc.startedAt));
  const problems = doc.inputs.filter((i) => i.status !== 'processed');
  const inputCases: Case[] = problems.slice(0, INPUT_CASES).map((i) =>
    i.status === 'error'
      ? { classname: 'inputs', name: i.path, failure: { message: i.reason ?? 'error', type: 'input-error', body: `${locationLabel({ path: i.path })}: ${i.reason ?? ''}` } }
      : { classname: 'inputs', name: i.path, skipped: i.reason ?? 'skipped' },
  );
  if (problems.length > INPUT_CASES) {
    const rest = problems.slice(INPUT_CASES);
    const errors = rest.filter((i) => i.status === 'error').length;
    const c: Case = { classname: 'inputs', name: `${rest.length} more input(s) not fully read`, output: 'Every input is listed in findings.json.' };
    if (errors > 0) c.failure = { message: `${errors} more input(s) could not be read`, type: 'input-error', body: 'Every input is listed in findings.json.' };
    else c.skipped = `${rest.length} more input(s) skipped`;
    inputCases.push(c);
  }
  if (inputCases.length > 0) parts.push(suite('trailproof inputs', inputCases, doc.startedAt));

  const total = emptyTally();
  for (const p of parts) {
    total.tests += p.tally.tests;
    total.failures += p.tally.failures;
    total.skipped += p.tally.skipped;
  }
  out.write('<?xml version="1.0" encoding="UTF-8"?>\n');
  out.write(`<testsuites name="trailproof ${x(doc.tool.version)}" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}" time="0">\n`);
  for (const p of parts) out.write(p.text);
  out.write('</testsuites>\n');
}

/** The JUnit XML as one string (small documents, tests). */
export function renderJunit(doc: FindingsView, coverage: FrameworkCoverage[]): string {
  return collectText((out) => writeJunit(doc, { coverage }, out));
}

/** The report, as reports/registry.ts registers it (format junit, junit.xml). */
export const write: ReportWriter['write'] = writeJunit;
