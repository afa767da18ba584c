import { DOMParser, type Element } from '@xmldom/xmldom';
import { computeCoverage } from '../../src/findings/coverage';
import { applySuppressions } from '../../src/findings/suppress';
import { renderJunit } from '../../reports/junit';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, stratusDocument } from './support';
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

  test('a suite per framework version, a case per control and subject, failures carry the message', () => {
    const x = parse(junit(doc));
    const suites = all(x, 'testsuite');
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(['cis-aws@3.0.0', 'cis-aws@5.0.0', 'nist-800-53@r5', 'trailproof (no control mapped)']);
    const cis3 = suites[0];
    const cases = all(cis3, 'testcase');
    const for45 = cases.filter((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.5');
    const tampering = doc.findings.filter((f) => f.controls.includes('cis-aws@3.0.0:4.5'));
    expect(for45).toHaveLength(tampering.length);
    for (const c of for45) {
      const failure = all(c, 'failure')[0];
      expect(failure.getAttribute('type')).toBe('high');
      expect(failure.getAttribute('message')).toMatch(/^Test test cloudtrail tampering: (StopLogging|DeleteTrail|PutEventSelectors) by arn:aws:iam::/);
      expect(c.getAttribute('name')).toMatch(/\[[0-9a-f]{24}\]$/);
    }
    // controls without subjects still appear: a passing detection, a not-covered control (skipped)
    expect(cases.find((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.3')!.getElementsByTagName('failure').length).toBe(0);
    expect(all(cases.find((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.1')!, 'skipped')[0].getAttribute('message')).toMatch(/^not-covered: /);
    // suite counters agree with the cases
    for (const s of suites) {
      expect(Number(s.getAttribute('tests'))).toBe(all(s, 'testcase').length);
      expect(Number(s.getAttribute('failures'))).toBe(all(s, 'failure').length);
      expect(Number(s.getAttribute('skipped'))).toBe(all(s, 'skipped').length);
    }
    const root = x.documentElement!;
    expect(Number(root.getAttribute('failures'))).toBe(all(x, 'failure').length);
  });

  test('muted findings are skipped with the reason, not failures', () => {
    const muted = applySuppressions(doc, [{ source: 's', rule: 'test-iam-changes', reason: 'break-glass user', owner: 'platform', expires: '2027-01-31' }], new Date('2026-11-25T00:00:00Z'));
    const x = parse(junit(muted));
    const iam = all(x, 'testcase').filter((c) => c.getAttribute('classname') === 'cis-aws@3.0.0:4.4');
    expect(iam.length).toBeGreaterThan(0);
    for (const c of iam) {
      expect(c.getElementsByTagName('failure').length).toBe(0);
      expect(all(c, 'skipped')[0].getAttribute('message')).toBe('muted until 2027-01-31 (platform): break-glass user');
    }
  });

  test('hostile event fields stay text: well-formed XML, no injected test case, values round-trip', () => {
    const x = parse(junit(stratusDocument({ mutate: hostileMutation })));
    expect(all(x, 'testcase').some((c) => c.getAttribute('name') === 'fake')).toBe(false);
    const failure = all(x, 'failure').find((f) => (f.getAttribute('message') ?? '').includes('<script>'))!;
    expect(failure.getAttribute('message')).toContain('<script>console.error("xss-html")</script>');
    expect(failure.textContent).toContain(HOSTILE.csv);
    expect(failure.textContent).toContain(']]></failure><testcase name="fake"/>');
    expect(failure.textContent).toContain('\\u0001');
  });
});
