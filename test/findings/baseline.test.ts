import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline, BaselineError, loadBaseline } from '../../src/findings/baseline';
import { blockingFindings } from '../../src/findings/verdict';
import { resourceFinding, stratusDocument } from '../reports/support';

describe('baseline', () => {
  const ADMIN = 'aws.persistence.iam-create-admin-user.json';
  const LOGIN = 'aws.initial-access.console-login-without-mfa.json';
  const before = stratusDocument({
    files: ['aws.defense-evasion.cloudtrail-stop.json', ADMIN, LOGIN],
    extra: [resourceFinding({ status: 'pass', name: 'main' }), resourceFinding({ status: 'fail', name: 'legacy', ruleId: 'test-trail-kms' }), resourceFinding({ status: 'fail', name: 'gone', path: 'elsewhere/cdk.tf.json' })],
  });
  // The admin-user file is read again, its IAM calls renamed so the rule no longer fires: judged again, fixed.
  // The console-login file is not read this time: its findings were not judged again.
  const after = stratusDocument({
    files: ['aws.defense-evasion.cloudtrail-stop.json', 'aws.defense-evasion.cloudtrail-delete.json', ADMIN],
    mutate: (r, file) => (file === ADMIN ? { ...r, eventName: `${r.eventName}Renamed` } : r),
    extra: [resourceFinding({ status: 'fail', name: 'main' }), resourceFinding({ status: 'pass', name: 'legacy', ruleId: 'test-trail-kms' })],
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

  test('baseline failures judged again and no longer failing are fixed; the rest are not re-judged, with counts', () => {
    const names = (xs: { subject: { kind: string; eventName?: string | null; address?: string } }[]) =>
      new Set(xs.map((x) => (x.subject.kind === 'event' ? x.subject.eventName : x.subject.address)));
    const fixed = names(marked.fixed!);
    const stale = names(marked.notRejudged!);
    // Judged again: the admin-user events were read and no longer match; the legacy trail now passes.
    expect(fixed.has('CreateUser')).toBe(true);
    expect(fixed.has('aws_cloudtrail.legacy')).toBe(true);
    expect(fixed.has('StopLogging')).toBe(false);
    expect(fixed.has('ConsoleLogin')).toBe(false);
    // Not judged: the console-login file was not read, the "gone" trail's file neither.
    expect(stale).toEqual(new Set(['ConsoleLogin', 'aws_cloudtrail.gone']));
    for (const x of marked.notRejudged!) expect(marked.fixed!.some((y) => y.id === x.id)).toBe(false);
    expect(marked.baseline).toEqual({
      source: 'prev/findings.json',
      new: [...marked.findings].filter((f) => f.status === 'fail' && f.baseline === 'new').length,
      unchanged: [...marked.findings].filter((f) => f.status === 'fail' && f.baseline === 'unchanged').length,
      fixed: marked.fixed!.length,
      notRejudged: marked.notRejudged!.length,
    });
    // Every open baseline finding is accounted for exactly once.
    const open = before.findings.filter((f) => f.status === 'fail');
    const stillOpen = new Set([...marked.findings].filter((f) => f.status === 'fail').map((f) => f.id));
    expect(open.filter((f) => !stillOpen.has(f.id)).length).toBe(marked.fixed!.length + marked.notRejudged!.length);
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
