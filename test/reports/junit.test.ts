import { DOMParser, type Element } from '@xmldom/xmldom';
import { computeCoverage } from '../../src/findings/coverage';
import { applySuppressions } from '../../src/findings/suppress';
import { JUNIT_SAMPLES, JUNIT_SUBJECT_CASES, renderJunit } from '../../reports/junit';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';
import type { FindingsView } from '../../src/model/finding';

function parse(xml: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level: string, msg: string) => errors.push(`${level}: ${msg}`) }).parseFromString(xml, 'text/xml');
  expect(errors).toEqual([]);
  return doc;
}
const junit = (doc: FindingsView) => renderJunit(doc, computeCoverage(doc, RULES, CATALOGUES));
const all = (el: { getElementsByTagName(n: string): ArrayLike<Element> }, tag: string): Element[] => Array.from(el.getElementsByTagName(tag));

describe('junit.xml', () => {
  const doc = stratusDocument();

  test('a suite per framework version with one case per control; each finding once in the findings suite; counters agree', () => {
    const x = parse(junit(doc));
    const suites = all(x, 'testsuite');
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(['cis-aws@3.0.0', 'cis-aws@5.0.0', 'nist-800-53@r5', 'trailproof findings']);
    const cov = computeCoverage(doc, RULES, CATALOGUES);
    // One case per control, carrying the status coverage gave it.
    for (const [i, fw] of cov.entries()) {
      const cases = all(suites[i], 'testcase');
      expect(cases.map((c) => c.getAttribute('classname'))).toEqual(fw.controls.map((c) => c.ref));
      for (const [j, c] of fw.controls.entries()) {
        expect(all(cases[j], 'failure').length).toBe(c.status === 'fail' ? 1 : 0);
        expect(all(cases[j], 'skipped').length).toBe(c.status === 'manual' || c.status === 'not-covered' ? 1 : 0);
      }
    }
    const for45 = all(suites[0], 'testcase').find((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.5')!;
    const tampering = doc.findings.filter((f) => f.controls.includes('cis-aws@3.0.0:4.5') && f.status === 'fail');
    expect(all(for45, 'failure')[0].getAttribute('message')).toBe(`${tampering.length} failing finding(s)`);
    // The failing subjects are named in the control's failure (the first JUNIT_SAMPLES of them).
    const body = all(for45, 'failure')[0].textContent ?? '';
    for (const f of tampering.slice(0, JUNIT_SAMPLES)) expect(body).toContain(`[${f.id}]`);
    expect(all(all(suites[0], 'testcase').find((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.1')!, 'skipped')[0].getAttribute('message')).toMatch(/^not-covered: /);

    // Every event finding is counted once, in one case per rule, not once per control and version.
    const findings = all(suites[3], 'testcase');
    const rulesWithEvents = new Set(doc.findings.filter((f) => f.subject.kind === 'event').map((f) => f.ruleId));
    expect(findings.map((c) => c.getAttribute('classname')).sort()).toEqual([...rulesWithEvents].sort());
    for (const c of findings) {
      const n = doc.findings.filter((f) => f.ruleId === c.getAttribute('classname')).length;
      expect(c.getAttribute('name')).toBe(`${n} event(s)`);
    }
    for (const s of suites) {
      expect(Number(s.getAttribute('tests'))).toBe(all(s, 'testcase').length);
      expect(Number(s.getAttribute('failures'))).toBe(all(s, 'failure').length);
      expect(Number(s.getAttribute('skipped'))).toBe(all(s, 'skipped').length);
    }
    const root = x.documentElement!;
    expect(Number(root.getAttribute('failures'))).toBe(all(x, 'failure').length);
    expect(Number(root.getAttribute('tests'))).toBe(all(x, 'testcase').length);
  });

  test('resource subjects get a case each, worst first, up to the cap; the rest fold into one case per rule with the count', () => {
    const extra = Array.from({ length: JUNIT_SUBJECT_CASES + 37 }, (_, i) => resourceFinding({ name: `trail${i}`, status: i % 3 === 0 ? 'pass' : 'fail' }));
    const big = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'], extra });
    const x = parse(junit(big));
    const findings = all(x, 'testsuite').find((s) => s.getAttribute('name') === 'trailproof findings')!;
    const cases = all(findings, 'testcase');
    const own = cases.filter((c) => /\[[0-9a-f]{24}\]$/.test(c.getAttribute('name') ?? ''));
    expect(own).toHaveLength(JUNIT_SUBJECT_CASES);
    const fold = cases.find((c) => c.getAttribute('name') === '37 more subject(s), not listed one by one')!;
    expect(fold.getAttribute('classname')).toBe('test-trail-multiregion');
    expect(all(fold, 'failure')[0].textContent).toMatch(/^Test trail multiregion: 37 finding\(s\), \d+ failing, 0 muted\n/);
    expect(Number(findings.getAttribute('tests'))).toBe(cases.length);
    expect(Number(findings.getAttribute('failures'))).toBe(all(findings, 'failure').length);
  });

  test('muted findings are skipped with the reason, not failures', () => {
    const muted = applySuppressions(doc, [{ source: 's', rule: 'test-iam-changes', reason: 'break-glass user', owner: 'platform', expires: '2027-01-31' }], new Date('2026-11-25T00:00:00Z'));
    const x = parse(junit(muted));
    const iam = all(x, 'testcase').filter((c) => c.getAttribute('classname') === 'test-iam-changes');
    expect(iam).toHaveLength(1);
    expect(iam[0].getElementsByTagName('failure').length).toBe(0);
    expect(all(iam[0], 'skipped')[0].getAttribute('message')).toMatch(/^\d+ muted$/);
    // The control no longer fails.
    const control = all(x, 'testcase').find((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.4')!;
    expect(control.getElementsByTagName('failure').length).toBe(0);
  });

  test('hostile event fields stay text: well-formed XML, no injected test case, values round-trip', () => {
    const hostileTrail = resourceFinding({ name: `${HOSTILE.xml} ${HOSTILE.html} ${HOSTILE.csv}` });
    const x = parse(junit(stratusDocument({ mutate: hostileMutation, extra: [hostileTrail] })));
    expect(all(x, 'testcase').some((c) => c.getAttribute('name') === 'fake')).toBe(false);
    // In a subject's own case, whole.
    const own = all(x, 'testcase').find((c) => (c.getAttribute('name') ?? '').endsWith(`[${hostileTrail.id}]`))!;
    const failure = all(own, 'failure')[0];
    expect(failure.getAttribute('message')).toContain('<script>console.error("xss-html")</script>');
    expect(failure.textContent).toContain(HOSTILE.csv);
    expect(failure.textContent).toContain(']]></failure><testcase name="fake"/>');
    expect(failure.textContent).toContain('\\u0001');
    // In the events' fold and the controls' samples, as text too.
    const samples = all(x, 'failure').filter((f) => f !== failure && (f.textContent ?? '').includes('<script>console.error("xss-html")</script>'));
    expect(samples.length).toBeGreaterThan(1);
  });
});
