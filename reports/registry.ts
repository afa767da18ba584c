import type { ReportWriter } from '../src/model/report-writer';
import { asffReport } from './asff';
import { csvReport } from './csv';
import { findingsCsvReport } from './findings-csv';
import { htmlReport } from './html';
import { jsonReport } from './json';
import { junitReport } from './junit';
import { markdownReport } from './markdown';
import { sarifReport } from './sarif';

/** findings.json: the record of the run and the next run's --baseline, written whatever --format asks. */
export const RECORD_FORMAT = jsonReport.format;

/**
 * Every report format, in the order `--format all` writes them and help lists them. A new format
 * is a module implementing ReportWriter and one line here; parsing --format, `all`, the files
 * written and the help of every command that writes reports follow from this list.
 */
const WRITERS: ReportWriter[] = [jsonReport, markdownReport, sarifReport, junitReport, htmlReport, csvReport, findingsCsvReport, asffReport];

export function reportWriters(): readonly ReportWriter[] {
  return WRITERS;
}

export function writerOf(format: string): ReportWriter | undefined {
  return WRITERS.find((w) => w.format === format);
}

/**
 * Add a format after the built-in ones (a plug-in, or a test); returns the function that removes
 * it again. A name or file another format has is refused: two writers would fight over one file.
 */
export function registerReportWriter(writer: ReportWriter): () => void {
  if (writer.format === 'all' || !/^[a-z][a-z0-9-]*$/.test(writer.format)) throw new Error(`report format name not usable with --format: ${JSON.stringify(writer.format)}`);
  const clash = WRITERS.find((w) => w.format === writer.format || w.file === writer.file);
  if (clash) throw new Error(`report format ${writer.format} (${writer.file}) clashes with ${clash.format} (${clash.file})`);
  WRITERS.push(writer);
  return () => {
    const at = WRITERS.indexOf(writer);
    if (at >= 0) WRITERS.splice(at, 1);
  };
}

/** Parse `--format json,md,...` (`all` means every format), in registry order; unknown names are a usage error for the caller. */
export function parseFormats(list: string): { formats: string[]; unknown: string[] } {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const asked = new Set<string>();
  const unknown: string[] = [];
  for (const n of names) {
    if (n === 'all') WRITERS.forEach((w) => asked.add(w.format));
    else if (writerOf(n)) asked.add(n);
    else unknown.push(n);
  }
  return { formats: WRITERS.filter((w) => asked.has(w.format)).map((w) => w.format), unknown };
}

/** The usage error for names parseFormats did not know, with the names it knows. */
export function unknownFormatMessage(unknown: readonly string[]): string {
  return `unknown format "${unknown.join('", "')}" (${[...WRITERS.map((w) => w.format), 'all'].join(', ')})`;
}

/**
 * The `--format LIST` entry of a command's help, one line per format with its file; `column` is
 * where the command's option descriptions start.
 */
export function formatOptionHelp(column: number, defaults: string): string {
  const indent = ' '.repeat(column);
  const width = Math.max(...WRITERS.map((w) => w.format.length)) + 2;
  return [
    `${'  --format LIST'.padEnd(column)}report formats, comma-separated, or all (default ${defaults}; findings.json`,
    `${indent}is always written):`,
    ...WRITERS.map((w) => `${indent}  ${w.format.padEnd(width)}${w.file}: ${w.describe}`),
  ].join('\n');
}
