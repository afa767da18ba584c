import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCoverage } from '../src/findings/coverage';
import type { FindingsDocument } from '../src/model/finding';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { FindingsContractError, findingsSchemaProblems, renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import type { ReportContext } from './view';

export type { ReportContext } from './view';
export type ReportFormat = 'json' | 'md' | 'sarif' | 'junit' | 'html' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'sarif', 'junit', 'html', 'csv'];

/** File name per format, inside --out. */
export const REPORT_FILES: Record<ReportFormat, string> = {
  json: 'findings.json',
  md: 'report.md',
  sarif: 'report.sarif',
  junit: 'junit.xml',
  html: 'report.html',
  csv: 'report.csv',
};

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

/** Parse `--format json,md,...` (`all` means every format); unknown names are a usage error for the caller. */
export function parseFormats(list: string): { formats: ReportFormat[]; unknown: string[] } {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const formats = new Set<ReportFormat>();
  const unknown: string[] = [];
  for (const n of names) {
    if (n === 'all') REPORT_FORMATS.forEach((f) => formats.add(f));
    else if (isReportFormat(n)) formats.add(n);
    else unknown.push(n);
  }
  return { formats: REPORT_FORMATS.filter((f) => formats.has(f)), unknown };
}

/** Render one format to text; coverage is computed by the caller once for all formats. */
export function renderReport(format: ReportFormat, doc: FindingsDocument, ctx: ReportContext, coverage = computeCoverage(doc, ctx.rules, ctx.catalogues)): string {
  switch (format) {
    case 'json':
      return renderJson(doc);
    case 'md':
      return renderMarkdown(doc, ctx, coverage);
    case 'sarif':
      return `${JSON.stringify(renderSarif(doc, ctx), null, 2)}\n`;
    case 'junit':
      return renderJunit(doc, coverage);
    case 'html':
      return renderHtml(doc, ctx, coverage);
    case 'csv':
      return renderCsv(coverage);
  }
}

/**
 * Write the requested reports into outDir and return the files written. findings.json is
 * validated against its published schema first; a document that breaks the contract writes nothing.
 */
export async function writeReports(doc: FindingsDocument, formats: ReportFormat[], outDir: string, ctx: ReportContext): Promise<string[]> {
  const problems = findingsSchemaProblems(doc);
  if (problems.length > 0) throw new FindingsContractError(problems);
  const coverage = computeCoverage(doc, ctx.rules, ctx.catalogues);
  const rendered = formats.map((f) => [f, renderReport(f, doc, ctx, coverage)] as const);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const [format, text] of rendered) {
    const file = join(outDir, REPORT_FILES[format]);
    writeFileSync(file, text);
    files.push(file);
  }
  return files;
}
