import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeCoverage, type FrameworkCoverage } from '../src/findings/coverage';
import type { FindingsView } from '../src/model/finding';
import { writeAsff } from './asff';
import { renderCsv } from './csv';
import { writeFindingsCsv } from './findings-csv';
import { writeHtml } from './html';
import { writeJson } from './json';
import { writeJunit } from './junit';
import { renderMarkdown } from './markdown';
import { writeSarif } from './sarif';
import { collectText, FileSink, type TextSink } from './sink';
import { withImmediateSignals } from '../src/scan/spool';
import type { ReportTally } from './tally';
import type { ReportContext } from './view';

export type { ReportContext } from './view';
export type ReportFormat = 'json' | 'md' | 'sarif' | 'junit' | 'html' | 'csv' | 'findings-csv' | 'asff';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'sarif', 'junit', 'html', 'csv', 'findings-csv', 'asff'];

/** File name per format, inside --out. */
export const REPORT_FILES: Record<ReportFormat, string> = {
  json: 'findings.json',
  md: 'report.md',
  sarif: 'report.sarif',
  junit: 'junit.xml',
  html: 'report.html',
  csv: 'report.csv',
  'findings-csv': 'findings.csv',
  asff: 'findings.asff.json',
};

function isReportFormat(s: string): s is ReportFormat {
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

/**
 * Write one format piece by piece. Markdown and CSV are bounded by construction (a comment limit,
 * one row per control); the others are written finding by finding.
 */
function writeReport(format: ReportFormat, doc: FindingsView, ctx: ReportContext, coverage: FrameworkCoverage[], out: TextSink): void {
  switch (format) {
    case 'json':
      return writeJson(doc, out);
    case 'md':
      return out.write(renderMarkdown(doc, ctx, coverage));
    case 'sarif':
      return writeSarif(doc, ctx, out);
    case 'junit':
      return writeJunit(doc, coverage, out, ctx);
    case 'html':
      return writeHtml(doc, ctx, coverage, out);
    case 'csv':
      return out.write(renderCsv(coverage));
    case 'findings-csv':
      return writeFindingsCsv(doc, out);
    case 'asff':
      return writeAsff(doc, out);
  }
}

/** Render one format to text (small documents, tests); coverage is computed by the caller once for all formats. */
export function renderReport(format: ReportFormat, doc: FindingsView, ctx: ReportContext, coverage = computeCoverage(doc, ctx.rules, ctx.catalogues)): string {
  return collectText((out) => writeReport(format, doc, ctx, coverage, out));
}

/**
 * Write the requested reports into outDir and return the files written. findings.json is
 * checked against its published schema as it is written (first, or the check runs on its own
 * when it is not requested: the shell and the first finding of each kind, json.ts); each report
 * goes to a `.partial` file renamed only when every report is complete, so a document that breaks
 * the contract, or any failure, leaves nothing behind.
 *
 * With a `tally` the first pass over the findings (findings.json, or the schema check) fills it,
 * and coverage may then be a function of it, called once that pass is done: the other reports
 * and the verdict need no pass of their own for counts (finish.ts).
 */
export async function writeReports(
  doc: FindingsView,
  formats: ReportFormat[],
  outDir: string,
  ctx: ReportContext,
  coverage?: FrameworkCoverage[] | (() => FrameworkCoverage[]),
  tally?: ReportTally,
): Promise<string[]> {
  // findings.json always, first, whatever was asked for: it is the record of the run and the next
  // run's --baseline; writing it checks the document against its schema.
  const ordered: ReportFormat[] = ['json', ...formats.filter((f) => f !== 'json')];
  const first: FindingsView = tally ? { ...doc, findings: tally.tap(doc.findings) } : doc;
  let known: FrameworkCoverage[] | undefined = Array.isArray(coverage) ? coverage : undefined;
  const coverageNow = () => (known ??= typeof coverage === 'function' ? coverage() : computeCoverage(doc, ctx.rules, ctx.catalogues, tally?.fill(doc.findings).coverage));
  const created = mkdirSync(outDir, { recursive: true });
  const done: [partial: string, file: string][] = [];
  const writeAll = () => {
    for (const [index, format] of ordered.entries()) {
      const file = join(outDir, REPORT_FILES[format]);
      ctx.onReport?.(REPORT_FILES[format], index, ordered.length);
      const sink = new FileSink(`${file}.partial`);
      done.push([sink.path, file]);
      try {
        if (format === 'json') writeJson(first, sink);
        else writeReport(format, doc, tally ? { ...ctx, countedBlocking: tally.fill(doc.findings).blocking, countedBrokenChains: tally.brokenChains } : ctx, coverageNow(), sink);
      } finally {
        sink.close();
      }
    }
  };
  try {
    // Ctrl-C stops the writing at once; each file is still a .partial until every one is complete.
    withImmediateSignals(writeAll);
  } catch (err) {
    for (const [partial] of done) rmSync(partial, { force: true });
    // Only directories this call made, which hold nothing else.
    if (created) rmSync(created, { recursive: true, force: true });
    throw err;
  }
  for (const [partial, file] of done) renameSync(partial, file);
  // In the order asked for, findings.json first when it was not asked for.
  return (formats.includes('json') ? formats : ordered).map((f) => join(outDir, REPORT_FILES[f]));
}
