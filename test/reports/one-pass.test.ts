import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogues } from '../../src/controls/catalogue';
import { computeCoverage } from '../../src/findings/coverage';
import type { Finding, FindingList, FindingsView } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { blockingFindings } from '../../src/findings/verdict';
import { finishReports } from '../../reports/finish';
import { findingsSchemaProblems } from '../../reports/json';
import { renderTerminalSummary } from '../../reports/terminal';
import { reportWriters } from '../../reports/registry';
import { writeReports, writerContext } from '../../reports/write';
import { REPO } from '../support/paths';
import { STRATUS } from './support';

/** The built-in formats, as the registry lists them. */
const REPORT_FORMATS = reportWriters().map((w) => w.format);
const REPORT_FILES: Record<string, string> = Object.fromEntries(reportWriters().map((w) => [w.format, w.file]));

/**
 * finishReports reads the findings once (findings.json's pass) and tallies coverage, the verdict
 * and the summary on the way. Everything it writes is held against references built the old
 * way, independently: the whole document through one JSON.stringify, and each count from its own
 * pass over the findings.
 */
const pack = loadRulePack();
const catalogues = loadCatalogues();
const ctx = { rules: pack.rules, catalogues, failOn: 'medium' as const, baseDir: REPO };
const NOW = new Date('2026-11-25T00:00:00Z');

function tmp(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tp-one-pass-${tag}-`));
}

function sameClock<T extends FindingsView>(doc: T): T {
  return { ...doc, startedAt: '2026-11-25T10:00:00.000Z', finishedAt: '2026-11-25T10:00:05.000Z' };
}

/** The list, counting how many times it is read from the start. */
function counted(list: FindingList): { list: FindingList; reads: () => number } {
  let reads = 0;
  return {
    list: {
      get length() {
        return list.length;
      },
      *[Symbol.iterator]() {
        reads++;
        yield* list;
      },
    },
    reads: () => reads,
  };
}

describe('findings.json and the tallies from one pass over the findings', () => {
  const events = [STRATUS, join(REPO, 'samples', 'cloudtrail')];

  test('real data, spilled to disk, with suppressions and a baseline: every output equals its independent reference', async () => {
    const dir = tmp('refs');
    const waivers = join(dir, 'waivers.yaml');
    writeFileSync(waivers, ['version: 1', 'suppressions:', '  - rule: cis-iam-*', '    reason: break-glass drills', '    owner: security', '    expires: 2099-01-01', ''].join('\n'));
    // A baseline from the stratus logs alone: their findings come out unchanged, the samples' new.
    const earlier = await runScan({ pack, events: [STRATUS] });
    const base = await finishReports(sameClock(earlier), { ...ctx, formats: ['json'], outDir: join(dir, 'base'), now: NOW });
    earlier.findings.close();
    const baseline = base.files[0];

    const scanned = sameClock(await runScan({ pack, events, memoryLimit: 5 }));
    try {
      expect(scanned.findings.spilled).toBe(true);
      const out = join(dir, 'out');
      const r = await finishReports(scanned, { ...ctx, formats: [...REPORT_FORMATS], outDir: out, baseline, suppressions: [waivers], newOnly: true, now: NOW });
      const findings: Finding[] = [...r.doc.findings];
      expect(findings.length).toBeGreaterThan(100);
      expect(findings.some((f) => f.status === 'muted')).toBe(true);
      expect(findings.some((f) => f.baseline === 'new')).toBe(true);
      expect(findings.some((f) => f.baseline === 'unchanged')).toBe(true);

      // findings.json: byte for byte what JSON.stringify gives for the whole document.
      const text = readFileSync(join(out, 'findings.json'), 'utf8');
      expect(text).toBe(`${JSON.stringify({ ...r.doc, findings }, null, 2)}\n`);
      // Every finding against the schema (the writer checks the first of each kind only).
      expect(findingsSchemaProblems(JSON.parse(text))).toEqual([]);

      // The verdict: blocking findings counted on their own.
      const blocking = blockingFindings(findings, 'medium', true).length;
      expect(blocking).toBeGreaterThan(0);
      expect(r.verdict).toMatchObject({ failed: true, blocking, failOn: 'medium', newOnly: true });

      // The summary and the other reports: the same as each computes from its own passes.
      const reportCtx = { ...ctx, newOnly: true };
      const coverage = computeCoverage({ findings, summary: r.doc.summary }, pack.rules, catalogues);
      const files = REPORT_FORMATS.map((f) => join(out, REPORT_FILES[f]));
      expect(r.summary).toBe(renderTerminalSummary({ ...r.doc, findings }, { ...writerContext({ ...r.doc, findings }, reportCtx, coverage), files }));
      const again = join(dir, 'again');
      await writeReports({ ...r.doc, findings }, [...REPORT_FORMATS], again, reportCtx, coverage);
      for (const f of REPORT_FORMATS) {
        expect({ format: f, same: readFileSync(join(again, REPORT_FILES[f])).equals(readFileSync(join(out, REPORT_FILES[f]))) }).toEqual({ format: f, same: true });
      }
    } finally {
      scanned.findings.close();
    }
  });

  test('with findings.json alone, the findings are read once', async () => {
    const scanned = sameClock(await runScan({ pack, events, memoryLimit: 5 }));
    try {
      const c = counted(scanned.findings);
      const r = await finishReports({ ...scanned, findings: c.list }, { ...ctx, formats: ['json'], outDir: join(tmp('once'), 'out'), now: NOW });
      expect(c.reads()).toBe(1);
      expect(r.verdict.blocking).toBe(blockingFindings(scanned.findings, 'medium').length);
      expect(r.summary).toContain(`findings: ${[...scanned.findings].filter((f) => f.status === 'fail').length} failing`);
    } finally {
      scanned.findings.close();
    }
  });

  test('a pass that stops early leaves no half tally: the next read counts from the start', async () => {
    const { ReportTally } = await import('../../reports/tally');
    const scanned = await runScan({ pack, events: [STRATUS] });
    try {
      const all = [...scanned.findings];
      const tally = new ReportTally('low', false);
      const tapped = tally.tap(scanned.findings);
      for (const _ of tapped) break; // eslint-disable-line @typescript-eslint/no-unused-vars
      expect(tally.complete).toBe(false);
      expect([...tapped]).toHaveLength(all.length);
      expect(tally.complete).toBe(true);
      expect(tally.blocking).toBe(blockingFindings(all, 'low').length);
      expect(tally.counts.failing).toBe(all.filter((f) => f.status === 'fail').length);
    } finally {
      scanned.findings.close();
    }
  });
});
