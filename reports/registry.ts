import type { ReportWriter } from '../src/model/report-writer';

type Write = ReportWriter['write'];

/**
 * A built-in format: what --format and the help say of it here, its writer in its own module,
 * loaded when a report of it is first written. Help text and format parsing are read by every
 * command's --help; loading the eight writers (and the findings, coverage and schema code under
 * them) for that made `trailproof --help` about a quarter slower.
 */
function builtIn(format: string, file: string, describe: string, load: () => Write): ReportWriter {
  let write: Write | undefined;
  return { format, file, describe, write: (doc, ctx, out) => (write ??= load())(doc, ctx, out) };
}

/** findings.json: the record of the run and the next run's --baseline, written whatever --format asks. */
export const RECORD_FORMAT = 'json';

/**
 * Every report format, in the order `--format all` writes them and help lists them. A new format
 * is a module exporting its `write` and one line here; parsing --format, `all`, the files
 * written and the help of every command that writes reports follow from this list.
 */
const WRITERS: ReportWriter[] = [
  builtIn(RECORD_FORMAT, 'findings.json', 'every finding and input (the published schema)', () => (require('./json') as typeof import('./json')).write),
  builtIn('md', 'report.md', 'the pull-request comment', () => (require('./markdown') as typeof import('./markdown')).write),
  builtIn('sarif', 'report.sarif', 'code scanning (SARIF 2.1.0)', () => (require('./sarif') as typeof import('./sarif')).write),
  builtIn('junit', 'junit.xml', 'CI test views: a case per control and subject', () => (require('./junit') as typeof import('./junit')).write),
  builtIn('html', 'report.html', 'auditors: one self-contained page', () => (require('./html') as typeof import('./html')).write),
  builtIn('csv', 'report.csv', 'spreadsheets: one row per control result', () => (require('./csv') as typeof import('./csv')).write),
  builtIn('findings-csv', 'findings.csv', 'spreadsheets: one row per finding', () => (require('./findings-csv') as typeof import('./findings-csv')).write),
  builtIn('asff', 'findings.asff.json', 'Security Hub (AWS Security Finding Format)', () => (require('./asff') as typeof import('./asff')).write),
];

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
