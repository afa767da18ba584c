/**
 * What a spreadsheet sees: report.csv and findings.csv opened in Gnumeric (its ssconvert, when
 * installed: `apt-get install gnumeric`) keep versions, control ids and account ids as written
 * (`1.4.0` not a date, `3.10` not 3.1, `012345678901` not a number), and hostile event text stays
 * text. Without ssconvert the same checks run on the RFC 4180 text alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogues } from '../../src/controls/catalogue';
import { computeCoverage } from '../../src/findings/coverage';
import { loadRulePack } from '../../src/rules/load';
import { CSV_COLUMNS, renderCsv } from '../../reports/csv';
import { FINDINGS_CSV_COLUMNS } from '../../reports/findings-csv';
import { renderReport } from '../../reports/write';
import { parse as parseCsv, shown } from './csv-parse';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';

const ssconvert = spawnSync('ssconvert', ['--version'], { encoding: 'utf8' }).status === 0;

/** The CSV as Gnumeric reads it and writes it back as plain values (or as the text says, without Gnumeric). */
function asSpreadsheet(csv: string): string[][] {
  if (!ssconvert) return parseCsv(csv).map((r) => r.map(shown));
  const dir = mkdtempSync(join(tmpdir(), 'tp-gnumeric-'));
  writeFileSync(join(dir, 'in.csv'), csv);
  const r = spawnSync('ssconvert', ['-I', 'Gnumeric_stf:stf_csvtab', '-T', 'Gnumeric_stf:stf_csv', join(dir, 'in.csv'), join(dir, 'out.csv')], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8').replace(/\n/g, '\r\n'));
}

describe('CSV in a spreadsheet', () => {
  test(`report.csv: every version and control id of the real catalogues survives${ssconvert ? ' Gnumeric' : ''} unchanged`, () => {
    const catalogues = loadCatalogues();
    const pack = loadRulePack();
    const cov = computeCoverage(stratusDocument({ files: [] }), pack.rules, catalogues);
    const csv = renderCsv(cov);
    const read = asSpreadsheet(csv);
    const want = cov.flatMap((fw) => fw.controls.map((c) => [fw.version, c.id]));
    // In the file itself, what a spreadsheet would coerce is written in its text-safe form (this is
    // what keeps it text; without ssconvert it is the only part of the test that sees the form).
    const raw = parseCsv(csv).slice(1);
    expect(raw.some((r) => r[CSV_COLUMNS.indexOf('version')] === '="1.4.0"')).toBe(true);
    expect(raw.some((r) => /^="\d+\.\d0"$/.test(r[CSV_COLUMNS.indexOf('control')]))).toBe(true);
    const got = read.slice(1).map((r) => [r[CSV_COLUMNS.indexOf('version')], r[CSV_COLUMNS.indexOf('control')]]);
    // Without the text-safe form Gnumeric reads 1.4.0 as 2000/01/04 and 3.10 as 3.1.
    expect(want.some(([v]) => v === '1.4.0')).toBe(true);
    expect(want.some(([, id]) => /\.\d0$/.test(id))).toBe(true);
    expect(got).toEqual(want);
  });

  test('findings.csv: one row per finding with resource or event, account, region, rule, controls, status and message; ids stay text, hostile text stays text', () => {
    const zeroAccount = { ...resourceFinding({ name: 'zero' }), subject: { ...resourceFinding({ name: 'zero' }).subject, account: '012345678901' } };
    const doc = stratusDocument({ mutate: hostileMutation, extra: [resourceFinding({}), zeroAccount] });
    const csv = renderReport('findings-csv', doc, { rules: RULES, catalogues: CATALOGUES });
    const raw = parseCsv(csv);
    expect(raw[0]).toEqual([...FINDINGS_CSV_COLUMNS]);
    expect(raw.length - 1).toBe(doc.findings.length);
    // Formula injection defused in the file itself: only our ="digits" form starts with '='.
    for (const row of raw.slice(1)) for (const cell of row) if (!/^="[0-9.,:/+\-TZe ]*"$/.test(cell)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const rows = asSpreadsheet(csv);
    const col = (name: (typeof FINDINGS_CSV_COLUMNS)[number]) => FINDINGS_CSV_COLUMNS.indexOf(name);
    for (const [i, f] of doc.findings.entries()) {
      const r = rows[i + 1];
      expect(r[col('finding_id')]).toBe(f.id);
      expect(r[col('rule')]).toBe(f.ruleId);
      expect(r[col('status')]).toBe(f.status);
      expect(r[col('controls')]).toBe(f.controls.join(' '));
      expect(r[col('account')]).toBe(f.subject.account ?? '');
      if (f.subject.kind === 'event') {
        expect(r[col('event_name')]).toBe(f.subject.eventName);
        expect(r[col('event_time')]).toBe(f.subject.eventTime);
      }
    }
    expect(rows.some((r) => r[col('account')] === '012345678901')).toBe(true);
    expect(raw.some((r) => r[col('account')] === '="012345678901"')).toBe(true);
    const hostile = rows.find((r) => r[col('principal')].includes('<script>'))!;
    expect(hostile[col('principal')]).toContain(HOSTILE.html);
    // The apostrophe makes the spreadsheet keep the cell as text (Gnumeric shows the text without it); never a live formula.
    expect(hostile[col('source_ip')]).toBe(ssconvert ? HOSTILE.csv : `'${HOSTILE.csv}`);
    expect(raw.find((r) => r[col('finding_id')] === hostile[col('finding_id')])![col('source_ip')]).toBe(`'${HOSTILE.csv}`);
  });
});
