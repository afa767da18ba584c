import { computeCoverage } from '../../src/findings/coverage';
import { applySuppressions } from '../../src/findings/suppress';
import { CSV_COLUMNS, renderCsv } from '../../reports/csv';
import { CATALOGUES, RULES, stratusDocument } from './support';
import type { ControlCatalogue } from '../../src/model/control';
import { parse, shown } from './csv-parse';

const parseCsv = (text: string) => parse(text).map((r) => r.map(shown));


describe('report.csv', () => {
  test('one row per control result with status and basis', () => {
    const doc = stratusDocument();
    const cov = computeCoverage(doc, RULES, CATALOGUES);
    const rows = parseCsv(renderCsv(cov));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length - 1).toBe(cov.reduce((n, c) => n + c.controls.length, 0));
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const row = rows.find((r) => r[0] === 'cis-aws' && r[1] === '3.0.0' && r[2] === '4.5')!;
    const get = (name: (typeof CSV_COLUMNS)[number]) => row[CSV_COLUMNS.indexOf(name)];
    expect(get('status')).toBe('fail');
    expect(get('title')).toBe('Ensure CloudTrail configuration changes are monitored');
    expect(Number(get('failing'))).toBe(doc.findings.filter((f) => f.controls.includes('cis-aws@3.0.0:4.5')).length);
    expect(get('rules')).toBe('test-cloudtrail-tampering');
  });

  test('muted findings bring their waiver into the control row', () => {
    const doc = applySuppressions(stratusDocument(), [{ source: 's', rule: 'test-iam-changes', reason: 'break-glass user', owner: 'platform', expires: '2027-01-31' }], new Date('2026-11-25T00:00:00Z'));
    const rows = parseCsv(renderCsv(computeCoverage(doc, RULES, CATALOGUES)));
    const row = rows.find((r) => r[0] === 'cis-aws' && r[1] === '3.0.0' && r[2] === '4.4')!;
    expect(row[CSV_COLUMNS.indexOf('status')]).toBe('pass');
    expect(Number(row[CSV_COLUMNS.indexOf('muted')])).toBeGreaterThan(0);
    expect(row[CSV_COLUMNS.indexOf('waivers')]).toBe('break-glass user (platform, until 2027-01-31)');
  });

  test('text that a spreadsheet would run as a formula is defused', () => {
    const evil: ControlCatalogue = {
      framework: 'evil',
      version: '1',
      title: 't',
      source: 's',
      controls: [{ id: '1', title: '=HYPERLINK("https://evil.example","x")', section: '+cmd|" /C calc"!A0', level: '-1+1', assessment: 'automated', notes: '' }],
    };
    const csv = renderCsv(computeCoverage(stratusDocument({ files: [] }), [], [evil]));
    const row = parseCsv(csv)[1];
    expect(row[CSV_COLUMNS.indexOf('title')]).toBe(`'=HYPERLINK("https://evil.example","x")`);
    expect(row[CSV_COLUMNS.indexOf('section')]).toBe(`'+cmd|" /C calc"!A0`);
    expect(row[CSV_COLUMNS.indexOf('level')]).toBe(`'-1+1`);
    // The only formula left is the text-safe form of an identifier: ="<digits and dots>", nothing a formula could misuse.
    // Checked on the raw cells: the spreadsheet view above has already unwrapped that form.
    for (const cell of parse(csv)[1]) if (!/^="[0-9.]+"$/.test(cell)) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});
