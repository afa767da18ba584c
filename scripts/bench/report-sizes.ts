/**
 * node bin/run-ts.js scripts/bench/report-sizes.ts [--events N (600000)] [--keep DIR]
 *
 * The report sizes of a large scan, as a user gets them: `trailproof scan --format all` over a
 * generated trail (scripts/bench/generate.ts, 2,000 events a file), beside `--format json` over
 * the same files in the same run (the baseline: what writing only findings.json costs). Prints
 * each report's size and what its consumer limits: SARIF results and gzipped size against GitHub
 * code scanning's documented limits, JUnit cases, report.html's findings shown in full and the
 * time headless Chromium takes to load it (when a chromium is found). Last line: one JSON object.
 * A benchmark, not a test: the tests assert the caps on smaller inputs (test/reports/sizes.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../../src/version';
import { findChromium } from '../../test/support/browser';
import { generateTrail } from './generate';

const { values } = parseArgs({ options: { events: { type: 'string', default: '600000' }, keep: { type: 'string' } } });
const events = Number(values.events);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'tp-report-sizes-'));
const trail = join(dir, 'trail');
if (!existsSync(join(trail, 'AWSLogs'))) {
  const t = generateTrail(trail, events);
  process.stderr.write(`generated ${t.events} events in ${t.files.length} files\n`);
}

function scan(out: string, format: string): number {
  const started = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'trailproof.js'), 'scan', '--events', trail, '--out', out, '--format', format, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    // Exit 1 is "failing findings", which a generated trail has.
    if ((e as { status?: number }).status !== 1) throw e;
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const baseOut = join(dir, 'out-json');
const allOut = join(dir, 'out-all');
const baseSeconds = scan(baseOut, 'json');
const allSeconds = scan(allOut, 'all');

const size = (f: string) => statSync(join(allOut, f)).size;
const sarifText = readFileSync(join(allOut, 'report.sarif'), 'utf8');
const sarif = JSON.parse(sarifText) as { runs: { results: unknown[]; properties: { results: { findings: number; folded: number } } }[] };
const junit = readFileSync(join(allOut, 'junit.xml'), 'utf8');
const html = readFileSync(join(allOut, 'report.html'), 'utf8');
const findings = (JSON.parse(readFileSync(join(allOut, 'findings.json'), 'utf8')) as { findings: unknown[] }).findings.length;

async function htmlLoadSeconds(): Promise<number | null> {
  const chromium = findChromium().path;
  if (!chromium) return null;
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const started = process.hrtime.bigint();
    await page.goto(pathToFileURL(join(allOut, 'report.html')).href, { waitUntil: 'load', timeout: 600_000 });
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await browser.close();
  }
}

void (async () => {
  const load = await htmlLoadSeconds();
  const result = {
    events,
    findings,
    baselineSeconds: Math.round(baseSeconds * 100) / 100,
    allFormatsSeconds: Math.round(allSeconds * 100) / 100,
    ratio: Math.round((allSeconds / baseSeconds) * 100) / 100,
    findingsJsonMB: Math.round(size('findings.json') / 1e4) / 100,
    sarifMB: Math.round(size('report.sarif') / 1e4) / 100,
    sarifGzipMB: Math.round(gzipSync(sarifText).length / 1e4) / 100,
    sarifResults: sarif.runs[0].results.length,
    sarifFolded: sarif.runs[0].properties.results.folded,
    // GitHub code scanning: 25,000 results a run accepted, 5,000 shown; 10 MB gzipped upload.
    sarifWithinGitHub: sarif.runs[0].results.length <= 5_000 && gzipSync(sarifText).length < 10 * 1024 * 1024,
    junitMB: Math.round(size('junit.xml') / 1e4) / 100,
    junitCases: (junit.match(/<testcase /g) ?? []).length,
    htmlMB: Math.round(size('report.html') / 1e4) / 100,
    htmlDetails: (html.match(/<details class="finding"/g) ?? []).length,
    htmlLoadSeconds: load === null ? null : Math.round(load * 100) / 100,
    csvKB: Math.round(size('report.csv') / 10) / 100,
    findingsCsvMB: Math.round(size('findings.csv') / 1e4) / 100,
    asffMB: Math.round(size('findings.asff.json') / 1e4) / 100,
    mdKB: Math.round(size('report.md') / 10) / 100,
  };
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
})();
