import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline, BaselineError, loadBaseline } from '../../src/findings/baseline';
import { blockingFindings } from '../../src/scan/verdict';
import { resourceFinding, stratusDocument } from '../reports/support';

describe('baseline', () => {
  const before = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json', 'aws.persistence.iam-create-admin-user.json'], extra: [resourceFinding({ status: 'pass', name: 'main' })] });
  const after = stratusDocument({
    files: ['aws.defense-evasion.cloudtrail-stop.json', 'aws.defense-evasion.cloudtrail-delete.json'],
    extra: [resourceFinding({ status: 'fail', name: 'main' })],
  });
  const marked = applyBaseline(after, before, 'prev/findings.json');

  test('findings known to the baseline are unchanged, the rest new', () => {
    const stop = [...marked.findings].filter((f) => f.subject.kind === 'event' && f.subject.eventName === 'StopLogging');
    const del = [...marked.findings].filter((f) => f.subject.kind === 'event' && f.subject.eventName === 'DeleteTrail');
    expect(stop.length).toBeGreaterThan(0);
    expect(del.length).toBeGreaterThan(0);
    expect(stop.every((f) => f.baseline === 'unchanged')).toBe(true);
    expect(del.every((f) => f.baseline === 'new')).toBe(true);
  });

  test('a subject that passed before and fails now is a new failure', () => {
    expect([...marked.findings].find((f) => f.subject.kind === 'resource')!.baseline).toBe('new');
  });

  test('baseline failures that no longer occur are listed as fixed, with counts', () => {
    const fixedNames = new Set(marked.fixed!.map((x) => (x.subject.kind === 'event' ? x.subject.eventName : '')));
    expect(fixedNames.has('CreateUser')).toBe(true);
    expect(fixedNames.has('StopLogging')).toBe(false);
    expect(marked.baseline).toEqual({
      source: 'prev/findings.json',
      new: [...marked.findings].filter((f) => f.status === 'fail' && f.baseline === 'new').length,
      unchanged: [...marked.findings].filter((f) => f.status === 'fail' && f.baseline === 'unchanged').length,
      fixed: marked.fixed!.length,
    });
  });

  test('--fail-on applied to new findings only judges what changed', () => {
    const all = blockingFindings(marked.findings, 'low');
    const fresh = blockingFindings(marked.findings, 'low', true);
    expect(fresh.length).toBeLessThan(all.length);
    expect(fresh.every((f) => f.baseline === 'new')).toBe(true);
    expect(blockingFindings(applyBaseline(after, after).findings, 'low', true)).toEqual([]);
  });

  test('the input document is not modified', () => {
    expect(after.findings.every((f) => f.baseline === undefined)).toBe(true);
  });

  test('loadBaseline reads a findings.json and rejects one that breaks the schema, naming file and pointer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-baseline-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(before));
    expect(loadBaseline(good).findings.length).toBe(before.findings.length);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...before, findings: [{ ...before.findings[0], severity: 'urgent' }] }));
    expect(() => loadBaseline(bad)).toThrow(BaselineError);
    expect(() => loadBaseline(bad)).toThrow(/bad\.json: \/findings\/0\/severity/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"schemaVersion": "1.0",\n  "tool": ');
    expect(() => loadBaseline(broken)).toThrow(/broken\.json: .*line 2/);
  });
});
