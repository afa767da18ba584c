/**
 * Reports of a large scan stay what their consumers accept: a generated trail (the benchmark's
 * generator) plus more resource findings than any cap, through the real report writers. The
 * 600,000-event run is the benchmark scenario (scripts/bench/report-sizes.ts); here the caps are
 * asserted on inputs large enough to cross every one of them.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { DOMParser } from '@xmldom/xmldom';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateTrail } from '../../scripts/bench/generate';
import { loadCatalogues } from '../../src/controls/catalogue';
import { buildDocument } from '../../src/findings/document';
import type { Finding, FindingsDocument } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { JUNIT_SAMPLES, JUNIT_SUBJECT_CASES } from '../../reports/junit';
import { HTML_DETAILS_CAP, HTML_GROUP_ROWS } from '../../reports/html';
import { SARIF_LIMITS } from '../../reports/sarif';
import { renderReport } from '../../reports/write';
import { REPO } from '../support/paths';
import { resourceFinding } from './support';

const pack = loadRulePack();
const catalogues = loadCatalogues();
const ctx = { rules: pack.rules, catalogues, baseDir: REPO };
const EXTRA_RESOURCES = SARIF_LIMITS.results + 1_200;

let dir: string;
let doc: FindingsDocument;
let open: Finding[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-sizes-'));
  const trail = generateTrail(join(dir, 'trail'), 40_000);
  const scanned = await runScan({ pack, events: [trail.dir] });
  const findings = [...scanned.findings];
  scanned.findings.close();
  // More failing resources than SARIF shows and than JUnit lists one by one.
  for (let i = 0; i < EXTRA_RESOURCES; i++) findings.push(resourceFinding({ name: `trail_${i}`, status: i % 4 === 0 ? 'muted' : 'fail', line: 10 + i }));
  for (const f of findings) if (f.status === 'muted') f.suppression = { reason: 'accepted risk', owner: 'sec', expires: '2099-01-01', source: 'w.yaml:1#/suppressions/0' };
  doc = buildDocument({ pack, startedAt: new Date(scanned.startedAt), finishedAt: new Date(scanned.finishedAt), inputs: scanned.inputs, findings, events: scanned.summary.events, duplicateEventsIgnored: 0 });
  open = findings.filter((f) => f.status === 'fail' || f.status === 'muted');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report sizes at scale', () => {
  test('report.sarif: within GitHub code scanning limits (results, locations, tags, gzipped size), every finding counted once, the cap said', () => {
    // docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit:
    // 25,000 results per run accepted, the top 5,000 shown; 1,000 locations per result, 100 shown;
    // 20 tags per rule, 10 shown. .../troubleshooting-sarif-uploads/file-too-large: 10 MB gzipped.
    const GITHUB = { resultsShown: 5_000, locationsShown: 100, tagsShown: 10, gzipBytes: 10 * 1024 * 1024 };
    const text = renderReport('sarif', doc, ctx);
    const log = JSON.parse(text);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas', 'sarif-2.1.0.json'), 'utf8')));
    expect(validate(log) ? [] : validate.errors?.slice(0, 3)).toEqual([]);
    expect(open.length).toBeGreaterThan(GITHUB.resultsShown);
    const run = log.runs[0];
    expect(log.runs).toHaveLength(1);
    expect(run.results.length).toBeLessThanOrEqual(GITHUB.resultsShown);
    expect(gzipSync(text).length).toBeLessThan(GITHUB.gzipBytes);
    for (const r of run.results) expect(r.locations.length).toBeLessThanOrEqual(GITHUB.locationsShown);
    for (const rule of run.tool.driver.rules) expect(rule.properties.tags.length).toBeLessThanOrEqual(GITHUB.tagsShown);
    // Every failing or muted finding is counted by exactly one result.
    const counted = run.results.reduce((n: number, r: { properties: { count?: number } }) => n + (r.properties.count ?? 1), 0);
    expect(counted).toBe(open.length);
    // Events are grouped: far fewer results than event findings.
    const eventFindings = open.filter((f) => f.subject.kind === 'event').length;
    const eventResults = run.results.filter((r: { properties: { subjectKind?: string } }) => r.properties.subjectKind === 'event');
    expect(eventFindings).toBeGreaterThan(1_000);
    expect(eventResults.length).toBeLessThan(eventFindings / 10);
    // The cap is said: in the run's properties, a notification, and the overflow result itself.
    expect(run.properties.results.folded).toBeGreaterThan(0);
    expect(run.properties.results.findings).toBe(open.length);
    expect(run.invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text).join('\n')).toMatch(/capped at 5000 results/);
    const overflow = run.results.filter((r: { properties: { overflow?: boolean } }) => r.properties.overflow);
    // One overflow result per rule at most, worst first: the high-severity resources fill the cap.
    const overflowRules = overflow.map((r: { ruleId: string }) => r.ruleId);
    expect(new Set(overflowRules).size).toBe(overflowRules.length);
    expect(overflowRules).toContain('test-trail-multiregion');
    expect(overflow.reduce((n: number, r: { properties: { count: number } }) => n + r.properties.count, 0)).toBe(run.properties.results.folded);
  });

  test('junit.xml: one case per control, subjects capped and folded with their count, each finding once; bounded size', () => {
    const text = renderReport('junit', doc, ctx);
    const errors: string[] = [];
    const x = new DOMParser({ onError: (level: string, msg: string) => errors.push(`${level}: ${msg}`) }).parseFromString(text, 'text/xml');
    expect(errors).toEqual([]);
    const suites = Array.from(x.getElementsByTagName('testsuite'));
    const controls = catalogues.reduce((n, c) => n + c.controls.length, 0);
    const findingsSuite = suites.find((s) => s.getAttribute('name') === 'trailproof findings')!;
    const cases = Array.from(findingsSuite.getElementsByTagName('testcase'));
    const rules = new Set(doc.findings.map((f) => f.ruleId)).size;
    expect(cases.length).toBeLessThanOrEqual(JUNIT_SUBJECT_CASES + 2 * rules);
    // The resources past the cap: folded into one case with their count.
    const resources = doc.findings.filter((f) => f.subject.kind === 'resource').length;
    const fold = cases.find((c) => /more subject\(s\), not listed one by one$/.test(c.getAttribute('name') ?? ''))!;
    expect(fold.getAttribute('name')).toBe(`${resources - JUNIT_SUBJECT_CASES} more subject(s), not listed one by one`);
    // Event findings: one case per rule with the count, naming at most JUNIT_SAMPLES events.
    for (const c of cases.filter((k) => / event\(s\)$/.test(k.getAttribute('name') ?? ''))) {
      const n = doc.findings.filter((f) => f.ruleId === c.getAttribute('classname') && f.subject.kind === 'event').length;
      expect(c.getAttribute('name')).toBe(`${n} event(s)`);
      expect((c.textContent ?? '').split('\n').filter((l) => / \[[0-9a-f]{24}\]: /.test(l)).length).toBeLessThanOrEqual(JUNIT_SAMPLES);
    }
    const controlCases = suites.filter((s) => s !== findingsSuite).reduce((n, s) => n + s.getElementsByTagName('testcase').length, 0);
    expect(controlCases).toBeGreaterThanOrEqual(controls);
    expect(controlCases).toBeLessThan(controls + 100);
    // Bounded by the cases, not by the events: well under 1 KiB per event finding.
    expect(text.length).toBeLessThan(20 * 1024 * 1024);
  });

  test('report.html: large groups summarized (a group shows at most HTML_GROUP_ROWS, the report HTML_DETAILS_CAP), every hidden finding counted', () => {
    const text = renderReport('html', doc, ctx);
    expect(doc.findings.length).toBeGreaterThan(HTML_DETAILS_CAP);
    const details = (text.match(/<details class="finding"/g) ?? []).length;
    expect(details).toBeLessThanOrEqual(HTML_DETAILS_CAP);
    // Each group: its heading's count = findings shown in full + the "more" note.
    const parts = text.split(/(?=<h4 id=")/).slice(1);
    let accounted = 0;
    for (const part of parts) {
      const body = part.split(/<h[23] /)[0];
      const count = Number(/^<h4 id="[^"]+">.*? \((\d+)\)<\/h4>/.exec(part)![1]);
      const shown = (body.match(/<details class="finding"/g) ?? []).length;
      expect(shown).toBeLessThanOrEqual(HTML_GROUP_ROWS);
      const more = /<p class="more">(\d+) more finding\(s\)/.exec(body);
      expect(shown + (more ? Number(more[1]) : 0)).toBe(count);
      accounted += count;
    }
    expect(accounted).toBe(doc.findings.length);
    // Bounded by the caps, not the findings: a few kilobytes per finding shown.
    expect(text.length).toBeLessThan(HTML_DETAILS_CAP * 8 * 1024);
  });
});
