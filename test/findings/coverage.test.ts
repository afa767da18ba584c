import { computeCoverage, COVERAGE_NOTES } from '../../src/findings/coverage';
import { CATALOGUES, RULES, resourceFinding, stratusDocument } from '../reports/support';

function control(cov: ReturnType<typeof computeCoverage>, ref: string) {
  for (const fw of cov) for (const c of fw.controls) if (c.ref === ref) return c;
  throw new Error(`no ${ref}`);
}

describe('control coverage per framework version', () => {
  const doc = stratusDocument({ extra: [resourceFinding({ status: 'pass' })] });
  const cov = computeCoverage(doc, RULES, CATALOGUES);

  test('a control with failing findings fails and names the rule', () => {
    const c = control(cov, 'cis-aws@3.0.0:4.5');
    expect(c.status).toBe('fail');
    expect(c.failing).toBeGreaterThanOrEqual(3); // StopLogging, DeleteTrail, PutEventSelectors in the Stratus logs
    expect(c.basis).toContain('test-cloudtrail-tampering');
  });

  test('an event rule with no match over scanned events passes for detection only, and says so', () => {
    const c = control(cov, 'cis-aws@3.0.0:4.3');
    expect(c.status).toBe('pass');
    expect(c.basis).toMatch(/Detection only: none of \d+ scanned event/);
    expect(c.basis).toContain('not proof that the alarm is deployed');
  });

  test('a resource rule passes only on evaluated subjects', () => {
    expect(control(cov, 'cis-aws@3.0.0:3.1')).toMatchObject({ status: 'pass', passed: 1 });
  });

  test('no rule maps to a control: not-covered', () => {
    expect(control(cov, 'cis-aws@3.0.0:4.1')).toMatchObject({ status: 'not-covered', basis: 'No rule in the pack maps to this control.' });
  });

  test('a manual control with failing findings fails; without them it stays manual', () => {
    expect(control(cov, 'cis-aws@5.0.0:4.5').status).toBe('fail');
    const noFail = stratusDocument({ files: ['aws.credential-access.ec2-get-password-data.json'] });
    const c = control(computeCoverage(noFail, RULES, CATALOGUES), 'cis-aws@5.0.0:4.2');
    expect(c.status).toBe('manual');
    expect(c.basis).toContain('needs review');
  });

  test('mapped rules with nothing to judge (no events scanned, no resource finding) are not-covered, not pass', () => {
    const empty = stratusDocument({ files: [] });
    expect(control(computeCoverage(empty, RULES, CATALOGUES), 'cis-aws@3.0.0:4.3')).toMatchObject({ status: 'not-covered' });
    expect(control(computeCoverage(empty, RULES, CATALOGUES), 'cis-aws@3.0.0:3.1').basis).toContain('nothing to judge');
  });

  test('controls named by rules without a catalogue get their own group, never dropped', () => {
    const nist = cov.find((c) => c.framework === 'nist-800-53');
    expect(nist).toMatchObject({ version: 'r5', catalogued: false });
    expect(nist!.controls.map((c) => c.id)).toEqual(['AU-6']);
    expect(nist!.controls[0].assessment).toBe('unknown');
  });

  test('muted findings do not fail a control', () => {
    const muted = { ...doc, findings: doc.findings.map((f) => (f.ruleId === 'test-iam-changes' ? { ...f, status: 'muted' as const, suppression: { reason: 'accepted risk here', source: 's' } } : f)) };
    const c = control(computeCoverage(muted, RULES, CATALOGUES), 'cis-aws@3.0.0:4.4');
    expect(c.status).toBe('pass');
    expect(c.muted).toBeGreaterThan(0);
  });

  test('counts add up to the number of controls, frameworks sorted, versions in natural order', () => {
    for (const fw of cov) expect(Object.values(fw.counts).reduce((a, b) => a + b, 0)).toBe(fw.controls.length);
    expect(cov.map((c) => `${c.framework}@${c.version}`)).toEqual(['cis-aws@3.0.0', 'cis-aws@5.0.0', 'nist-800-53@r5']);
    expect(COVERAGE_NOTES.join(' ')).toMatch(/not that the metric filter and alarm/);
  });
});

describe('coverage with posture results', () => {
  const undecided = { ...resourceFinding({ name: 'x' }), status: 'manual' as const, message: 'not decided: $.related.bucket.loggingEnabled is not known from the inputs' };
  const na = { ...resourceFinding({ name: 'y' }), status: 'not-applicable' as const };

  test('a subject a rule could not decide makes the control manual, never pass', () => {
    const doc = stratusDocument({ files: [], extra: [resourceFinding({ status: 'pass' }), undecided] });
    const c = control(computeCoverage(doc, RULES, CATALOGUES), 'cis-aws@3.0.0:3.1');
    expect(c.status).toBe('manual');
    expect(c.basis).toMatch(/^1 subject\(s\) could not be decided from the inputs and need review .*; 1 passed\./);
  });

  test('rules that applied to no subject leave the control not-covered', () => {
    const doc = stratusDocument({ files: [], extra: [na] });
    const c = control(computeCoverage(doc, RULES, CATALOGUES), 'cis-aws@3.0.0:3.1');
    expect(c.status).toBe('not-covered');
    expect(c.basis).toContain('1 not applicable');
  });
});
