import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { applyBaseline } from '../../src/findings/baseline';
import { computeCoverage } from '../../src/findings/coverage';
import { applySuppressions } from '../../src/findings/suppress';
import { HTML_TABLE_ROWS, renderChart } from '../../reports/html';
import { renderReport } from '../../reports/write';
import { describeWithBrowser } from '../support/browser';
import { REPO } from '../support/paths';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';

const OUT = join(REPO, 'test-out', 'reports');

const doc = applyBaseline(
  applySuppressions(
    stratusDocument({ mutate: hostileMutation, extra: [resourceFinding({}), resourceFinding({ name: 'ok', status: 'pass' })] }),
    [{ source: 'w.yaml:3#/suppressions/0', rule: 'test-iam-changes', reason: `break-glass ${HOSTILE.html}`, owner: 'platform', expires: '2027-01-31' }],
    new Date('2026-11-25T00:00:00Z'),
  ),
  stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] }),
);
const ctx = { rules: RULES, catalogues: CATALOGUES, failOn: 'high' as const };
const html = renderReport('html', doc, ctx, computeCoverage(doc, RULES, CATALOGUES));

describe('report.html as text', () => {
  test('self-contained: one constant script allowed by its hash, no external reference, a CSP that forbids fetching', () => {
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][0]).toMatch(/^<script>/);
    const hash = createHash('sha256').update(scripts[0][1]).digest('base64');
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`);
    // The script is the same for every document: no input text is ever in it.
    const other = renderReport('html', stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] }), ctx, []);
    expect(/<script>([\s\S]*?)<\/script>/.exec(other)![1]).toBe(scripts[0][1]);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
    expect(html).toContain('<svg');
  });

  test('navigation: contents, control rows link to their rules\' findings, groups by rule in time order, manual-review card, provenance', () => {
    expect(html).toMatch(/<nav class="toc"[^>]*>.*<a href="#coverage">/);
    const row = /<tr data-control="cis-aws@3\.0\.0:4\.5">(.*?)<\/tr>/.exec(html)![1];
    const link = /<a href="#([^"]+)"><code>test-cloudtrail-tampering<\/code><\/a>/.exec(row)![1];
    expect(html).toContain(`<h4 id="${link}">`);
    // Within a rule's group, events in time order.
    const group = html.slice(html.indexOf(`<h4 id="${link}">`));
    const times = [...group.slice(0, group.indexOf('<h4', 5)).matchAll(/<tr><th>time<\/th><td class="mono">([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(times.length).toBeGreaterThan(1);
    expect([...times].sort()).toEqual(times);
    expect(html).toMatch(/<div class="card"><b>\d+<\/b>needs manual review<\/div>/);
    expect(html).toMatch(/<th>accounts \(in findings\)<\/th><td><code>\d{12}<\/code>/);
    expect(html).toMatch(/<th>event time range \(in findings\)<\/th><td>\d{4}-\d\d-\d\dT[^<]+ to \d{4}-/);
  });

  test('the inputs table is capped with a count, inputs not fully read first', () => {
    const many = Array.from({ length: HTML_TABLE_ROWS + 150 }, (_, i) => ({ path: `/logs/readme-${i}.txt`, kind: 'unknown' as const, status: 'skipped' as const, records: 0, sha256: null, reason: 'not an event file' }));
    const big = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'], extraInputs: many });
    const text = renderReport('html', big, ctx, []);
    const table = text.slice(text.indexOf('<table class="inputs">'), text.indexOf('</table>', text.indexOf('<table class="inputs">')));
    expect((table.match(/<tr><td class="mono">/g) ?? []).length).toBe(HTML_TABLE_ROWS);
    expect(table).toContain(`<i>${big.inputs.length - HTML_TABLE_ROWS} more in findings.json</i>`);
    // The skipped inputs come first; the one processed input is among those cut.
    expect(table.indexOf('readme-0.txt')).toBeGreaterThan(0);
    expect(table).not.toContain('cloudtrail-stop.json');
  });

  test('the chart stacks failing findings per control by severity', () => {
    const svg = renderChart(doc.findings);
    const bars = [...svg.matchAll(/<rect class="bar" data-control="([^"]+)" data-severity="(\w+)"/g)].map((m) => `${m[1]}|${m[2]}`);
    expect(bars).toContain('cis-aws@3.0.0:4.5|high');
    expect(bars).toContain('cis-aws@3.0.0:4.2|medium');
    expect(bars).not.toContain('cis-aws@3.0.0:4.4|low'); // muted findings are not failing
    expect(renderChart([])).toContain('No failing findings.');
  });
});

describeWithBrowser('report.html in headless Chromium', (CHROMIUM) => {
  let browser: Browser;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('renders with no console errors and no network, shows hostile text as text, and a screenshot is produced', async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    expect(await page.title()).toBe('trailproof report: FAIL: 4 failing finding(s) at or above high');
    expect(await page.textContent('#verdict')).toBe('FAIL: 4 failing finding(s) at or above high');
    expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-/);
    // coverage: one table per framework version, one row per control
    const coverageRows = await page.$$eval('table.coverage', (ts) => ts.map((t) => t.querySelectorAll('tbody tr').length));
    expect(coverageRows).toEqual([6, 3, 1]);
    expect(await page.getAttribute('tr[data-control="cis-aws@3.0.0:4.5"] td:nth-child(6)', 'class')).toBe('st-fail');
    // evidence per finding, inputs with SHA-256, provenance
    expect(await page.locator('details.finding').count()).toBe(doc.findings.length);
    const shas = await page.$$eval('table.inputs tbody tr td:nth-child(6)', (tds) => tds.map((td) => td.textContent));
    expect(shas).toEqual(doc.inputs.map((i) => i.sha256));
    expect(await page.textContent('#provenance + table')).toContain(doc.rulePack.sha256);
    // the chart drew bars with real size
    const bars = await page.$$eval('figure svg rect.bar', (rs) => rs.map((r) => (r as unknown as { getBBox(): { width: number } }).getBBox().width));
    expect(bars.length).toBeGreaterThan(3);
    // one chart per framework version with failing controls, one for rules mapped to no control
    expect(await page.$$eval('#chart ~ figure figcaption', (cs) => cs.map((c) => (c.textContent ?? '').split(':')[0]))).toEqual([
      'cis-aws@3.0.0',
      'cis-aws@5.0.0',
      'nist-800-53@r5',
      'Rules that map to no control',
    ]);
    expect(Math.min(...bars)).toBeGreaterThan(0);
    // hostile strings stayed text: the one script is ours
    expect(await page.$$eval('script', (s) => s.length)).toBe(1);
    expect(await page.$$eval('main img', (s) => s.length)).toBe(0);
    expect(await page.$$eval('main b', (bs) => bs.filter((b) => b.textContent === 'bold').length)).toBe(0);
    const text = await page.innerText('body');
    expect(text).toContain('<script>console.error("xss-html")</script>');
    expect(text).toContain('\\u001b]8;;https://evil.example');

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);

    const shot = join(OUT, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(20_000);
    await page.close();
  });

  test('filter box, print opens every finding, and the layout fits 390 px', async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report-narrow.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // No horizontal scrolling of the page: wide tables scroll inside themselves.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Filtering runs offline (the script is allowed by its hash) and hides what does not match.
    const all = await page.locator('details.finding').count();
    await page.fill('#q', 'DeleteTrail');
    const visible = await page.$$eval('details.finding', (ds) => ds.filter((d) => !(d as unknown as { hidden: boolean }).hidden).map((d) => d.textContent ?? ''));
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.length).toBeLessThan(all);
    expect(visible.every((t) => t.includes('DeleteTrail'))).toBe(true);
    expect(await page.textContent('#q-count')).toMatch(/^\d+ of \d+ shown$/);
    // A hostile string typed into the box is only text.
    await page.fill('#q', HOSTILE.html);
    expect(await page.$$eval('main img', (s) => s.length)).toBe(0);
    await page.fill('#q', '');
    // Printing: every finding opens (evidence on paper), navigation is hidden.
    await page.evaluate(() => (globalThis as unknown as { dispatchEvent(e: Event): void }).dispatchEvent(new Event('beforeprint')));
    expect(await page.$$eval('details.finding', (ds) => ds.every((d) => (d as unknown as { open: boolean }).open))).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.$eval('nav.toc', (n) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(n).display)).toBe('none');
    await page.evaluate(() => (globalThis as unknown as { dispatchEvent(e: Event): void }).dispatchEvent(new Event('afterprint')));
    expect(await page.$$eval('details.finding', (ds) => ds.some((d) => (d as unknown as { open: boolean }).open))).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
