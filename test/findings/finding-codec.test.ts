import { findingCodec } from '../../src/findings/finding-codec';
import type { EventSubject, Finding } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { sharedFindings } from '../support/shared-findings';

/** Spilled findings are written compactly and read back: what is read must be what was written. */
describe('findingCodec', () => {
  const pack = loadRulePack();
  const codec = findingCodec(pack.rules);
  const findings = sharedFindings(pack);

  test('every finding of the shared data comes back as the same JSON, and compactly', () => {
    expect(findings.length).toBeGreaterThan(100);
    let written = 0;
    let json = 0;
    for (const f of findings) {
      const text = codec.encode(f);
      expect(text.startsWith('[')).toBe(true);
      expect(JSON.stringify(codec.decode(text))).toBe(JSON.stringify(f));
      written += text.length;
      json += JSON.stringify(f).length;
    }
    // The point of it: well under the JSON's size.
    expect(written).toBeLessThan(json * 0.7);
  });

  test('hostile text survives the round trip', () => {
    const f = findings[0];
    const odd = 'a"b\\c\n\u2028\ud800</script>\u0000é😀]},{';
    const g: Finding = { ...f, message: odd, subject: { ...(f.subject as EventSubject), principal: odd, source: { path: odd, index: 3 } }, evidence: { [odd]: odd, n: 1.5, x: null, o: { a: [1, 'b'] }, ...(f.evidence.filterPattern ? { filterPattern: f.evidence.filterPattern } : {}) } };
    expect(JSON.stringify(codec.decode(codec.encode(g)))).toBe(JSON.stringify(g));
  });

  test('anything not shaped as eventFinding makes it is written as its JSON, and read back as such', () => {
    const f = findings.find((x) => x.evidence.filterPattern !== undefined)!;
    const shapes: Finding[] = [
      { ...f, suppression: { reason: 'r', source: 's' } },
      { ...f, status: 'muted' },
      { ...f, title: 'another title' },
      { ...f, controls: [...f.controls] },
      // The filter pattern not last, or not the rule's.
      { ...f, evidence: { filterPattern: f.evidence.filterPattern, z: 1 } },
      { ...f, subject: { ...(f.subject as EventSubject), source: { index: 1, path: 'p' } } },
      { ...f, ruleId: 'no-such-rule' },
    ];
    for (const g of shapes) {
      const text = codec.encode(g);
      expect(text.startsWith('{')).toBe(true);
      expect(text).toBe(JSON.stringify(g));
      expect(codec.decode(text)).toEqual(JSON.parse(JSON.stringify(g)));
    }
    // A rule's own filter pattern with another value under the same key is kept as it was.
    const other = { ...f, evidence: { ...f.evidence, filterPattern: 'not the rule pattern' } };
    expect(JSON.stringify(codec.decode(codec.encode(other)))).toBe(JSON.stringify(other));
  });
});
