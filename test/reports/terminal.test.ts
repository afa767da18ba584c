import { computeCoverage } from '../../src/findings/coverage';
import { applyBaseline } from '../../src/findings/baseline';
import { ProgressBar, renderTerminalSummary } from '../../reports/terminal';
import type { FrameworkCoverage } from '../../src/model/coverage';
import type { FindingsView } from '../../src/model/finding';
import type { ReportContext } from '../../src/model/report-writer';
import { LISTED_FAILING } from '../../reports/tally';
import { writeReports, writerContext } from '../../reports/write';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareFindings } from '../../reports/view';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, stratusDocument } from './support';

const ctx = { rules: RULES, catalogues: CATALOGUES };

/** The summary with its own tally of the document (the writer gets the one of the first pass). */
function summary(doc: FindingsView, c: ReportContext, coverage: FrameworkCoverage[], files: string[] = [], color = false): string {
  return renderTerminalSummary(doc, { ...writerContext(doc, c, coverage), files, color });
}
// eslint-disable-next-line no-control-regex
const DANGEROUS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminal summary', () => {
  test('compact summary: inputs, findings by severity, top rules, coverage, verdict', () => {
    const doc = stratusDocument();
    const out = summary(doc, { ...ctx, failOn: 'high' }, computeCoverage(doc, RULES, CATALOGUES), ['out/report.md']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^inputs: 7 \(7 processed, 0 skipped, 0 error\)  events: \d+  rules: 6$/);
    expect(out).toMatch(/findings: \d+ failing \(high 3, medium 1, low \d+, info \d+\)/);
    expect(out).toContain('controls cis-aws@3.0.0: 3 fail, 1 pass, 0 manual, 2 not covered');
    expect(lines.at(-2)).toBe('verdict: FAIL: 3 failing finding(s) at or above high');
    expect(lines.at(-1)).toBe('wrote out/report.md');
    expect(out).not.toContain('\u001b');
  });

  test('failing findings are listed with their place, worst first, the first LISTED_FAILING and a count of the rest', () => {
    const doc = stratusDocument({ mutate: hostileMutation });
    const out = summary(doc, ctx, []);
    const lines = out.split('\n');
    const at = lines.indexOf('failing:');
    expect(at).toBeGreaterThan(0);
    const failing = doc.findings.filter((f) => f.status === 'fail').sort(compareFindings);
    expect(failing.length).toBeGreaterThan(LISTED_FAILING);
    const listed = lines.slice(at + 1, at + 1 + LISTED_FAILING);
    for (const [i, f] of failing.slice(0, LISTED_FAILING).entries()) {
      expect(listed[i]).toMatch(new RegExp(`^  ${f.severity}\\s+${f.ruleId}  `));
      expect(listed[i].endsWith(` at ${f.subject.source.path}${f.subject.source.line !== undefined ? `:${f.subject.source.line}` : f.subject.source.index !== undefined ? ` [record ${f.subject.source.index}]` : ''}`)).toBe(true);
      expect(listed[i]).not.toMatch(DANGEROUS);
    }
    expect(lines[at + 1 + LISTED_FAILING]).toBe(`  ... ${failing.length - LISTED_FAILING} more failing finding(s): every one is in findings.json`);
  });

  test('inputs that failed alike are one line, and missing AWS credentials one hint', () => {
    const reason = 'CredentialsProviderError: Could not load credentials from any providers';
    const inputs = ['config:SelectResourceConfig', 'cloudtrail:DescribeTrails', 'logs:DescribeLogGroups'].map((a, i) => ({
      path: `live:us-east-1/${a}`,
      kind: 'live' as const,
      status: 'error' as const,
      records: 0,
      sha256: null,
      reason: i === 0 ? `${reason}; ${reason}; ${reason}` : reason,
    }));
    const doc = { ...stratusDocument({ files: [] }), inputs };
    const out = summary(doc, ctx, []);
    const problem = out.split('\n').filter((l) => l.startsWith('  error: '));
    expect(problem).toEqual([`  error: 3 inputs (live:us-east-1/config:SelectResourceConfig and 2 more): ${reason}`]);
    expect(out).toContain('no AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
  });

  test('baseline counts appear, and colour only when asked for', () => {
    const doc = applyBaseline(stratusDocument(), stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] }));
    const out = summary(doc, ctx, [], [], true);
    expect(out).toMatch(/baseline: \d+ new, \d+ unchanged, 0 fixed/);
    expect(out).toContain('\u001b[31m');
  });

  test('hostile input paths and rule names cannot send escape sequences', () => {
    const doc = stratusDocument({ mutate: hostileMutation });
    doc.inputs.push({ path: `evil${HOSTILE.terminal}.json`, kind: 'unknown', status: 'error', records: 0, sha256: null, reason: HOSTILE.terminal });
    doc.findings[0] = { ...doc.findings[0], ruleId: `rule${HOSTILE.terminal}` };
    const out = summary(doc, ctx, []);
    expect(out.replace(/\n/g, '')).not.toMatch(DANGEROUS);
    expect(out).toContain('\\u001b]8;;https://evil.example');
  });
});

describe('progress bar', () => {
  function stream(isTTY: boolean, columns = 60) {
    const writes: string[] = [];
    return { s: { isTTY, columns, write: (x: string) => writes.push(x) }, writes };
  }

  test('draws nothing when stdout is not a TTY', () => {
    const { s, writes } = stream(false);
    const bar = new ProgressBar(s, 0);
    bar.update({ events: 10, findings: 1, path: 'a.json' });
    bar.done();
    expect(writes).toEqual([]);
  });

  test('report phase: writeReports names each file as it begins it, and the bar shows it in place', async () => {
    const { s: tty, writes } = stream(true, 40);
    const bar = new ProgressBar(tty);
    const doc = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] });
    const seen: string[] = [];
    const out = mkdtempSync(join(tmpdir(), 'tp-progress-'));
    await writeReports(doc, ['json', 'md', 'sarif'], out, { ...ctx, onReport: (file, i, n) => (seen.push(`${file} ${i + 1}/${n}`), bar.status(`writing ${file} (${i + 1}/${n})`)) });
    expect(seen).toEqual(['findings.json 1/3', 'report.md 2/3', 'report.sarif 3/3']);
    expect(writes).toEqual(['\r\u001b[2Kwriting findings.json (1/3)', '\r\u001b[2Kwriting report.md (2/3)', '\r\u001b[2Kwriting report.sarif (3/3)']);
    bar.done();
    expect(writes.at(-1)).toBe('\r\u001b[2K');
    const { s: pipe, writes: none } = stream(false, 40);
    new ProgressBar(pipe).status('writing x');
    expect(none).toEqual([]);
  });

  test('on a TTY: one redrawn line, cut to the width, sanitised, cleared at the end', () => {
    const { s, writes } = stream(true, 60);
    let t = 0;
    const bar = new ProgressBar(s, 100, () => t);
    bar.update({ events: 1000, findings: 3, path: `x/${'y'.repeat(100)}${HOSTILE.terminal}`, done: 5, total: 10 });
    t = 50;
    bar.update({ events: 2000, findings: 4, path: 'skipped.json' }); // within the interval: not drawn
    t = 200;
    bar.update({ events: 3000, findings: 5, path: `\u001b[2Jwipe`, done: 10, total: 10 });
    bar.done();
    expect(writes).toHaveLength(3);
    expect(writes[0].startsWith('\r\u001b[2K[##########----------] 5/10 1000 events, 3 findings')).toBe(true);
    expect([...writes[0].replace('\r\u001b[2K', '')].length).toBeLessThanOrEqual(59);
    expect(writes[1]).toMatch(/….*wipe$/);
    expect(writes[0].replace('\r\u001b[2K', '')).not.toMatch(DANGEROUS);
    expect(writes[0]).toMatch(/…u0000$/);
    expect(writes[1].replace('\r\u001b[2K', '')).not.toMatch(DANGEROUS);
    expect(writes[2]).toBe('\r\u001b[2K');
  });
});
