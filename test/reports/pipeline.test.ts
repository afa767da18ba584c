import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogues } from '../../src/controls/catalogue';
import { computeCoverage } from '../../src/findings/coverage';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { findingsSchemaProblems } from '../../reports/json';
import { MARKDOWN_LIMIT } from '../../reports/markdown';
import { reportWriters } from '../../reports/registry';
import { writeReports } from '../../reports/write';
import { REPO, DATASETS } from '../support/paths';
import { STRATUS } from './support';

/** The built-in formats, as the registry lists them. */
const REPORT_FORMATS = reportWriters().map((w) => w.format);

/**
 * The real chain: the bundled rule pack and control catalogues, the scan pipeline over every
 * Stratus detonation log and the Invictus trail, then every report format.
 */
describe('reports from the real scan pipeline', () => {
  test('every format is written; findings.json and report.sarif validate; coverage uses the real catalogues', async () => {
    const pack = loadRulePack();
    const catalogues = loadCatalogues();
    const doc = await runScan({ pack, events: [STRATUS, join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl')] });
    expect(doc.findings.length).toBeGreaterThan(50);
    expect(findingsSchemaProblems(doc)).toEqual([]);

    const out = mkdtempSync(join(tmpdir(), 'tp-pipeline-'));
    const ctx = { rules: pack.rules, catalogues, baseDir: REPO };
    const files = await writeReports(doc, [...REPORT_FORMATS], out, ctx);
    expect(files).toHaveLength(REPORT_FORMATS.length);

    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validateSarif = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas', 'sarif-2.1.0.json'), 'utf8')));
    const sarif = JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8'));
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([]);
    // Events are grouped (one result per rule, event name, account and region, with the count):
    // every failing or muted finding is counted by exactly one result.
    const open = [...doc.findings].filter((f) => f.status === 'fail' || f.status === 'muted');
    const counted = sarif.runs[0].results.reduce((n: number, r: { properties: { count?: number } }) => n + (r.properties.count ?? 1), 0);
    expect(counted).toBe(open.length);
    expect(sarif.runs[0].results.length).toBeLessThan(open.length);
    expect(sarif.runs[0].properties.results).toEqual({ findings: open.length, results: sarif.runs[0].results.length, folded: 0, cap: 5000 });

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);

    // The CIS 4.x alarm controls: activity in the logs, but no chain was scanned (events only), so
    // they are not covered, with the events counted as activity, never failing.
    const cov = computeCoverage(doc, pack.rules, catalogues);
    const cis3 = cov.find((c) => c.framework === 'cis-aws' && c.version === '3.0.0');
    expect(cis3?.catalogued).toBe(true);
    const c45 = cis3!.controls.find((c) => c.id === '4.5')!;
    expect([c45.status, c45.failing, c45.activity > 0]).toEqual(['not-covered', 0, true]);
    expect(cis3!.controls.filter((c) => c.alarm).every((c) => c.status !== 'fail')).toBe(true);
    const csvRows = readFileSync(join(out, 'report.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csvRows.length - 1).toBe(cov.reduce((n, c) => n + c.controls.length, 0));
  });
});
