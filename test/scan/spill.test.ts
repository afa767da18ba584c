import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateTrail } from '../../scripts/bench/generate';
import { loadCatalogues } from '../../src/controls/catalogue';
import { eventFinding } from '../../src/findings/event-finding';
import type { CloudTrailRecord } from '../../src/model/event';
import type { Finding, FindingsView } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { FindingCollector } from '../../src/scan/collector';
import { runScan, type ScanRequest } from '../../src/scan/run-scan';
import { SortedSpool, SpoolDir } from '../../src/util/spool';
import { finishReports } from '../../reports/finish';
import { findingsSchemaProblems } from '../../reports/json';
import { reportWriters } from '../../reports/registry';
import { REPO } from '../support/paths';

/** The built-in formats, as the registry lists them. */
const REPORT_FORMATS = reportWriters().map((w) => w.format);
const REPORT_FILES: Record<string, string> = Object.fromEntries(reportWriters().map((w) => [w.format, w.file]));

const pack = loadRulePack();
const catalogues = loadCatalogues();
const SAMPLES = join(REPO, 'samples', 'cloudtrail');

function tmp(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tp-spill-${tag}-`));
}

function spoolDirsIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('trailproof-spool-'));
}

describe('SortedSpool', () => {
  test('reads back a stable sort of what was added, any number of times, whatever the memory limit', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.string()), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (items, limit) => {
        const spool = new SortedSpool<[number, string], number>((t) => t[0], (a, b) => a - b, { limit });
        const tagged = items.map(([k, s], i): [number, string] => [k, `${i}:${s}`]);
        for (const t of tagged) spool.add(t);
        // Array.prototype.sort is stable: equal keys keep the order they were added in.
        const want = [...tagged].sort((a, b) => a[0] - b[0]);
        expect([...spool]).toEqual(want);
        expect([...spool]).toEqual(want);
        expect(spool.length).toBe(items.length);
        spool.release();
      }),
      { numRuns: 60 },
    );
  });

  test('runs are merged 64 at a time as they pile up, keeping the order and the arrival order of ties', () => {
    const parent = tmp('fan');
    const dir = new SpoolDir(parent);
    const spool = new SortedSpool<[number, number], number>((t) => t[0], (a, b) => a - b, { dir, limit: 1 });
    // 63 merged runs of 64 and 63 single ones: more than one merge can read, so reading merges first.
    const items = Array.from({ length: 63 * 64 + 63 }, (_, i): [number, number] => [(i * 7919) % 13, i]);
    for (const t of items) spool.add(t);
    expect(readdirSync(join(parent, spoolDirsIn(parent)[0]))).toHaveLength(126);
    const want = [...items].sort((a, b) => a[0] - b[0]);
    expect([...spool]).toEqual(want);
    expect(readdirSync(join(parent, spoolDirsIn(parent)[0])).length).toBeLessThanOrEqual(64);
    expect([...spool]).toEqual(want);
    dir.close();
  });

  test('runs live in a directory of their own, made on first spill and removed by release()', () => {
    const parent = tmp('dir');
    const dir = new SpoolDir(parent);
    const spool = new SortedSpool<number, number>((n) => n, (a, b) => a - b, { dir, limit: 2 });
    spool.add(3);
    expect(spoolDirsIn(parent)).toEqual([]);
    spool.add(1);
    spool.add(2);
    expect(spool.spilled).toBe(true);
    expect(spoolDirsIn(parent)).toHaveLength(1);
    const it = spool[Symbol.iterator]();
    expect(it.next().value).toBe(1);
    it.return?.(); // a reader that stops early closes its files
    expect([...spool]).toEqual([1, 2, 3]);
    dir.close();
    expect(spoolDirsIn(parent)).toEqual([]);
  });
});

function record(eventID: string, eventTime: string, eventName = 'StopLogging'): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    eventID,
    eventTime,
    eventName,
    eventSource: 'cloudtrail.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    recipientAccountId: '111122223333',
  } as CloudTrailRecord;
}

describe('FindingCollector', () => {
  const rule = pack.rules.find((r) => r.id === 'cis-cloudtrail-config-changes')!;
  const finding = (id: string, time: string, path = 'a.json'): Finding => eventFinding(rule, { record: record(id, time), location: { path, index: 0 } });

  test.each([1, 2, 3, 1000])('first arrival wins, even with another eventTime; each duplicated event counts once (memory limit %i)', (memoryLimit) => {
    const c = new FindingCollector({ ruleOrder: new Map([[rule.id, 0]]), memoryLimit });
    c.add(finding('e-2', '2026-01-02T00:00:00Z', 'first.json'));
    c.add(finding('e-1', '2026-01-05T00:00:00Z', 'first.json'));
    c.add(finding('e-3', '2026-01-03T00:00:00Z', 'first.json'));
    // The same eventIDs again, in other records with other times: read later, so they lose.
    c.add(finding('e-1', '2026-01-01T00:00:00Z', 'second.json'));
    c.add(finding('e-2', '2026-01-09T00:00:00Z', 'second.json'));
    c.add(finding('e-1', '2026-01-07T00:00:00Z', 'third.json'));
    const r = c.finish();
    const got = [...r.findings].map((f) => (f.subject.kind === 'event' ? [f.subject.eventId, f.subject.eventTime, f.subject.source.path] : []));
    expect(got).toEqual([
      ['e-2', '2026-01-02T00:00:00Z', 'first.json'],
      ['e-3', '2026-01-03T00:00:00Z', 'first.json'],
      ['e-1', '2026-01-05T00:00:00Z', 'first.json'],
    ]);
    expect(r.duplicates).toBe(2);
    c.dir.close();
  });
});

/** Large enough that nothing spills: the in-memory reference. */
const IN_MEMORY = 1_000_000;

/** Both documents with the same clock, so every byte of every report can be compared. */
function sameClock(doc: FindingsView): FindingsView {
  return { ...doc, startedAt: '2026-11-25T10:00:00.000Z', finishedAt: '2026-11-25T10:00:05.000Z' };
}

interface Run {
  doc: FindingsView;
  reports: Record<string, Buffer>;
  spilled: boolean;
  close(): void;
}

async function scanAndReport(req: Omit<ScanRequest, 'pack'>, memoryLimit: number, extra: { baseline?: string; suppressions?: string[] } = {}): Promise<Run> {
  const scanned = await runScan({ pack, ...req, memoryLimit });
  const out = tmp('out');
  const r = await finishReports(sameClock(scanned), {
    formats: [...REPORT_FORMATS],
    outDir: out,
    rules: pack.rules,
    catalogues,
    baseDir: REPO,
    memoryLimit,
    now: new Date('2026-11-25T00:00:00Z'),
    ...extra,
  });
  const reports: Record<string, Buffer> = {};
  for (const f of REPORT_FORMATS) reports[f] = readFileSync(join(out, REPORT_FILES[f]));
  return { doc: r.doc, reports, spilled: scanned.findings.spilled, close: () => scanned.findings.close() };
}

function expectSameOutput(spilled: Run, memory: Run): void {
  expect(spilled.spilled).toBe(true);
  expect(memory.spilled).toBe(false);
  expect([...spilled.doc.findings]).toEqual([...memory.doc.findings]);
  expect(spilled.doc.summary).toEqual(memory.doc.summary);
  expect(spilled.doc.inputs).toEqual(memory.doc.inputs);
  for (const f of REPORT_FORMATS) {
    // Byte for byte, not just the same data: findings.json is a published contract.
    expect({ format: f, equal: spilled.reports[f].equals(memory.reports[f]) }).toEqual({ format: f, equal: true });
  }
  expect(findingsSchemaProblems(JSON.parse(spilled.reports.json.toString('utf8')))).toEqual([]);
}

describe('a scan that spills to disk writes exactly what an in-memory scan writes', () => {
  test('the bundled samples, with suppressions and a baseline', async () => {
    const dir = tmp('waivers');
    const waivers = join(dir, 'waivers.yaml');
    writeFileSync(
      waivers,
      [
        'version: 1',
        'suppressions:',
        '  - rule: cis-route-table-*',
        '    reason: break-glass drills',
        '    owner: security',
        '    expires: 2099-01-01',
        '  - rule: cis-iam-*',
        '    reason: old waiver',
        '    owner: platform',
        '    expires: 2020-01-01',
        '',
      ].join('\n'),
    );
    // A baseline from part of the samples: some findings unchanged, others new, some fixed.
    const before = await scanAndReport({ events: [join(SAMPLES, readdirSync(SAMPLES).sort()[0])] }, IN_MEMORY);
    before.close();
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, before.reports.json);

    const extra = { baseline, suppressions: [waivers] };
    const memory = await scanAndReport({ events: [SAMPLES] }, IN_MEMORY, extra);
    const spilled = await scanAndReport({ events: [SAMPLES] }, 7, extra);
    try {
      expect(memory.doc.summary.findings).toBeGreaterThan(50);
      expect(memory.doc.suppressions?.muted).toBeGreaterThan(0);
      expect(memory.doc.baseline?.unchanged).toBeGreaterThan(0);
      expectSameOutput(spilled, memory);
    } finally {
      memory.close();
      spilled.close();
    }
  });

  test('generated logs (30,000 events), one thread and two workers', async () => {
    const trail = generateTrail(tmp('trail'), 30_000);
    const memory = await scanAndReport({ events: [trail.dir], workers: 1 }, IN_MEMORY);
    const spilled = await scanAndReport({ events: [trail.dir], workers: 1 }, 300);
    const workers = await scanAndReport({ events: [trail.dir], workers: 2 }, 1000);
    try {
      expect(memory.doc.summary.events).toBe(30_000);
      expect(memory.doc.summary.findings).toBeGreaterThan(1000);
      expectSameOutput(spilled, memory);
      expectSameOutput(workers, memory);
    } finally {
      memory.close();
      spilled.close();
      workers.close();
    }
  });
});

describe('the spool directory', () => {
  test('is removed when the store is closed', async () => {
    const parent = tmp('parent');
    const doc = await runScan({ pack, events: [SAMPLES], memoryLimit: 5, tempDir: parent });
    expect(doc.findings.spilled).toBe(true);
    expect(spoolDirsIn(parent)).toHaveLength(1);
    expect([...doc.findings].length).toBe(doc.summary.findings);
    doc.findings.close();
    expect(spoolDirsIn(parent)).toEqual([]);
    expect(existsSync(parent)).toBe(true);
  });

  test('is removed when the process is interrupted', () => {
    const parent = tmp('signal');
    const script = `
      require('tsx/cjs');
      const { SortedSpool, SpoolDir } = require(${JSON.stringify(join(REPO, 'src', 'util', 'spool.ts'))});
      const spool = new SortedSpool((n) => n, (a, b) => a - b, { dir: new SpoolDir(${JSON.stringify(parent)}), limit: 1 });
      spool.add(1);
      spool.add(2);
      process.stdout.write(require('node:fs').readdirSync(${JSON.stringify(parent)}).join(','));
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => process.stdout.write(' survived'), 2000);
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: REPO });
    expect(r.stdout).toMatch(/^trailproof-spool-\d+-\w+$/);
    expect(r.signal).toBe('SIGTERM');
    expect(spoolDirsIn(parent)).toEqual([]);
  });

  test('is removed when the scan fails', async () => {
    const parent = tmp('parent');
    let spoolsWhenFailing = 0;
    // Findings reach the collector a batch (a file's records) at a time: give up at the first
    // record after some findings have spilled.
    const failing = {
      matches(r: CloudTrailRecord): string[] {
        spoolsWhenFailing = spoolDirsIn(parent).length;
        if (spoolsWhenFailing > 0) throw new Error('matcher gave up');
        return typeof r.eventName === 'string' ? ['cis-cloudtrail-config-changes'] : [];
      },
    };
    await expect(runScan({ pack, events: [SAMPLES], memoryLimit: 5, matcher: failing, tempDir: parent })).rejects.toThrow('matcher gave up');
    expect(spoolsWhenFailing).toBe(1);
    expect(spoolDirsIn(parent)).toEqual([]);
  });
});
