import { findingJson, findingJsonFast } from '../../src/findings/finding-json';
import type { Finding } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { sharedFindings } from '../support/shared-findings';

/** The spool writes findings with findingJson: it must be JSON.stringify, byte for byte. */
describe('findingJson', () => {
  const pack = loadRulePack();
  const findings = sharedFindings(pack);

  test('equals JSON.stringify on every finding of the shared data', () => {
    expect(findings.length).toBeGreaterThan(100);
    for (const f of findings) expect(findingJson(f)).toBe(JSON.stringify(f));
    // And it takes the fast way on them, or it would be no faster.
    expect(findings.filter((f) => findingJsonFast(f) === undefined)).toEqual([]);
  });

  test('hostile text in event fields is escaped exactly as JSON.stringify escapes it', () => {
    const f = findings[0];
    const odd = 'a"b\\c\n\u2028\ud800</script>\u0000é😀'.repeat(5);
    const g: Finding = { ...f, message: odd, subject: { ...(f.subject as Extract<Finding['subject'], { kind: 'event' }>), principal: odd, source: { path: odd, index: 3 } }, evidence: { [odd]: odd, n: 1.5, x: null, o: { a: [1, 'b'] } } };
    expect(findingJson(g)).toBe(JSON.stringify(g));
  });

  test('any other shape falls back to JSON.stringify', () => {
    const f = findings[0];
    const shapes: Finding[] = [
      { ...f, suppression: { reason: 'r', source: 's' } },
      Object.fromEntries(Object.entries(f).reverse()) as unknown as Finding,
      { ...f, evidence: { a: undefined, b: 1 } },
      { ...f, subject: { ...(f.subject as Extract<Finding['subject'], { kind: 'event' }>), source: { index: 1, path: 'p' } } },
      { ...f, subject: { kind: 'account', account: null, region: null, stack: null, source: { path: 'p' } } },
    ];
    for (const g of shapes) {
      expect(findingJson(g)).toBe(JSON.stringify(g));
      expect(findingJsonFast(g)).toBeUndefined();
    }
  });
});
