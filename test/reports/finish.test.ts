import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineError } from '../../src/findings/baseline';
import { SuppressionFileError } from '../../src/findings/suppress';
import { finishReports } from '../../reports/finish';
import { blockingFindings } from '../../src/findings/verdict';
import { reportWriters } from '../../reports/registry';
import { CATALOGUES, RULES, resourceFinding, stratusDocument } from './support';

/** The built-in formats, as the registry lists them. */
const REPORT_FORMATS = reportWriters().map((w) => w.format);

const dir = mkdtempSync(join(tmpdir(), 'tp-finish-'));
const tfPath = join(dir, 'stacks', 'audit-stack', 'cdk.tf.json');

function scanned() {
  mkdirSync(join(dir, 'stacks', 'audit-stack'), { recursive: true });
  writeFileSync(
    tfPath,
    JSON.stringify({
      '//': { metadata: { stackName: 'audit-stack' } },
      resource: {
        aws_cloudtrail: {
          audit: { '//': { metadata: { path: 'audit-stack/audit' }, trailproof: { suppressions: [{ rule: 'test-trail-multiregion', reason: 'regional trail by data residency', owner: 'compliance', expires: '2027-06-30' }] } }, name: 'audit' },
          other: { '//': { metadata: { path: 'audit-stack/other' } }, name: 'other' },
        },
      },
    }),
  );
  return stratusDocument({
    files: ['aws.defense-evasion.cloudtrail-stop.json', 'aws.persistence.iam-create-admin-user.json'],
    extra: [resourceFinding({ name: 'audit', path: tfPath }), resourceFinding({ name: 'other', path: tfPath })],
    extraInputs: [{ path: tfPath, kind: 'terraform-json', status: 'processed', records: 2, sha256: 'a'.repeat(64) }],
  });
}

describe('finishReports: suppressions, construct waivers, baseline, reports, verdict, summary', () => {
  test('the whole chain in one call', async () => {
    const waivers = join(dir, 'waivers.yaml');
    writeFileSync(
      waivers,
      'version: 1\nsuppressions:\n  - rule: test-iam-changes\n    reason: break-glass user of the platform team\n    owner: platform\n    expires: 2027-01-31\n  - rule: x\n    owner: nobody\n    expires: 2027-01-31\n',
    );
    const baselinePath = join(dir, 'baseline.json');
    writeFileSync(baselinePath, JSON.stringify(stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] })));
    const out = join(dir, 'out');
    const r = await finishReports(scanned(), {
      formats: [...REPORT_FORMATS],
      outDir: out,
      rules: RULES,
      catalogues: CATALOGUES,
      failOn: 'high',
      newOnly: true,
      baseline: baselinePath,
      suppressions: [waivers],
      now: new Date('2026-11-25T00:00:00Z'),
    });
    expect(r.files).toHaveLength(REPORT_FORMATS.length);
    expect(r.warnings).toEqual([`suppression ignored: ${waivers}:7 at /suppressions/1: must have required property 'reason'`]);
    const byAddress = (a: string) => [...r.doc.findings].find((f) => f.subject.kind === 'resource' && f.subject.address === a)!;
    expect(byAddress('aws_cloudtrail.audit')).toMatchObject({ status: 'muted', suppression: { owner: 'compliance' } });
    expect(byAddress('aws_cloudtrail.other').status).toBe('fail');
    expect([...r.doc.findings].filter((f) => f.ruleId === 'test-iam-changes').every((f) => f.status === 'muted')).toBe(true);
    // StopLogging is in the baseline: unchanged; the high failure left is the other trail, new
    expect(blockingFindings(r.doc.findings, 'high', true).map((f) => f.subject.kind === 'resource' && f.subject.address)).toEqual(['aws_cloudtrail.other']);
    expect(r.verdict.blocking).toBe(1);
    expect(r.verdict.text).toBe('FAIL: 1 new failing finding(s) at or above high');
    expect(r.summary).toContain('verdict: FAIL: 1 new failing finding(s) at or above high');
    const written = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    expect(written.suppressions.entries).toBe(2);
    expect(written.baseline.source).toBe(baselinePath);
  });

  test('a bad baseline or suppression file is an error before anything is written', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"findings": []}');
    const base = { formats: [...REPORT_FORMATS], outDir: join(dir, 'never'), rules: RULES, catalogues: CATALOGUES };
    await expect(finishReports(scanned(), { ...base, baseline: bad })).rejects.toThrow(BaselineError);
    await expect(finishReports(scanned(), { ...base, suppressions: [bad] })).rejects.toThrow(SuppressionFileError);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
