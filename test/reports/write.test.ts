import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline } from '../../src/findings/baseline';
import { applySuppressions } from '../../src/findings/suppress';
import { findingsSchemaProblems, FindingsContractError } from '../../reports/json';
import { parseFormats, reportWriters } from '../../reports/registry';
import { writeReports } from '../../reports/write';
import { CATALOGUES, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';

/** The built-in formats, as the registry lists them. */
const REPORT_FORMATS = reportWriters().map((w) => w.format);
const REPORT_FILES: Record<string, string> = Object.fromEntries(reportWriters().map((w) => [w.format, w.file]));

const ctx = { rules: RULES, catalogues: CATALOGUES };

describe('writeReports', () => {
  test('writes every format into outDir and returns the files; findings.json validates against the published schema', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tp-reports-'));
    const doc = applyBaseline(
      applySuppressions(
        stratusDocument({ mutate: hostileMutation, extra: [resourceFinding({}), resourceFinding({ name: 'ok', status: 'pass' })] }),
        [
          { source: 'w.yaml:3#/suppressions/0', rule: 'test-iam-changes', reason: 'break-glass user', owner: 'platform', expires: '2027-01-31' },
          { source: 'w.yaml:9#/suppressions/1', rule: 'test-console-login-no-mfa', reason: 'lapsed', owner: 'sec', expires: '2026-01-01' },
        ],
        new Date('2026-11-25T00:00:00Z'),
      ),
      stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] }),
      'baseline/findings.json',
    );
    const files = await writeReports(doc, [...REPORT_FORMATS], out, ctx);
    expect(files).toEqual(REPORT_FORMATS.map((f) => join(out, REPORT_FILES[f])));
    expect(readdirSync(out).sort()).toEqual(['findings.asff.json', 'findings.csv', 'findings.json', 'junit.xml', 'report.csv', 'report.html', 'report.md', 'report.sarif']);
    const written = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    expect(findingsSchemaProblems(written)).toEqual([]);
    expect(written.findings.some((f: { status: string }) => f.status === 'muted')).toBe(true);
    expect(written.baseline.source).toBe('baseline/findings.json');
    expect(written.suppressions.expired).toHaveLength(1);
  });

  test('the schema catches a document that breaks the contract, and nothing is written', async () => {
    const doc = stratusDocument();
    const broken = { ...doc, findings: [{ ...doc.findings[0], status: 'muted' as const }] }; // muted without a suppression
    expect(findingsSchemaProblems(broken).map((p) => p.pointer)).toContain('/findings/0');
    const bad = { ...doc, findings: [{ ...doc.findings[0], subject: { ...doc.findings[0].subject, kind: 'person' } }] };
    expect(findingsSchemaProblems(bad).length).toBeGreaterThan(0);
    const out = join(mkdtempSync(join(tmpdir(), 'tp-reports-')), 'out');
    await expect(writeReports(broken as never, ['json', 'md'], out, ctx)).rejects.toThrow(FindingsContractError);
    expect(existsSync(out)).toBe(false);
  });

  test('parseFormats: lists, all, and unknown names reported', () => {
    expect(parseFormats('md, json')).toEqual({ formats: ['json', 'md'], unknown: [] });
    expect(parseFormats('all').formats).toEqual([...REPORT_FORMATS]);
    expect(parseFormats('json,pdf,xml').unknown).toEqual(['pdf', 'xml']);
  });
});
