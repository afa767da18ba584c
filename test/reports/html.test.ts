import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { applyBaseline } from '../../src/findings/baseline';
import { computeCoverage } from '../../src/findings/coverage';
import { applySuppressions } from '../../src/findings/suppress';
import { renderChart, renderHtml } from '../../reports/html';
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
const html = renderHtml(doc, ctx, computeCoverage(doc, RULES, CATALOGUES));

describe('report.html as text', () => {
  test('self-contained: no script, no external reference, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
    expect(html).toContain('<svg');
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
    expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
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
    // hostile strings stayed text
    expect(await page.$$eval('script', (s) => s.length)).toBe(0);
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
});
