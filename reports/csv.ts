import type { FrameworkCoverage } from '../src/model/coverage';
import type { ReportWriter } from '../src/model/report-writer';
import { csvField, csvTextField } from './escape';

export const CSV_COLUMNS = [
  'framework', 'version', 'control', 'title', 'section', 'level', 'assessment',
  'status', 'failing', 'muted', 'passed', 'activity', 'rules', 'basis', 'waivers',
] as const;

/** One row per control result, for auditors' spreadsheets (RFC 4180, CRLF, formula-safe cells). */
export function renderCsv(coverage: FrameworkCoverage[]): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const fw of coverage) {
    for (const c of fw.controls) {
      rows.push(
        // Versions and control ids stay text: a spreadsheet reads 1.4.0 as a date and 3.10 as 3.1.
        [csvField(fw.framework), csvTextField(fw.version), csvTextField(c.id), ...[c.title, c.section, c.level, c.assessment, c.status, c.failing, c.muted, c.passed, c.alarm ? c.activity : '', c.rules.join(' '), c.basis, c.waivers.join('; ')].map(csvField)].join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

/** The report, as reports/registry.ts registers it (format csv, report.csv). */
export const write: ReportWriter['write'] = (_doc, ctx, out) => out.write(renderCsv(ctx.coverage));
