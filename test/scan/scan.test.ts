import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { EventEvaluator } from '../../src/engine/evaluate';
import type { FindingsDocument } from '../../src/model/finding';
import { REPO, DATASETS } from '../support/paths';

const STRATUS = join(DATASETS, 'stratus-red-team', 'detonation-logs');
const pack = loadRulePack();

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'trailproof-scan-'));
}

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scan', () => {
  test('the bundled samples: every input accounted for, findings equal to the reference evaluator', async () => {
    const doc = await runScan({ pack, events: [join(REPO, 'samples', 'cloudtrail')] });
    expect(doc.inputs.filter((i) => i.status === 'processed')).toHaveLength(36);
    expect(doc.summary.events).toBe(310 + 613);
    expect(doc.inputs.reduce((n, i) => n + i.records, 0)).toBe(310 + 613);
    for (const i of doc.inputs.filter((x) => x.status === 'processed')) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Licence files sit beside the data: listed as skipped, with the reason, never silently dropped.
    const skipped = doc.inputs.filter((i) => i.status !== 'processed');
    expect(skipped.map((i) => i.path.split('/').pop())).toEqual(['LICENSE', 'LICENSE']);
    for (const i of skipped) expect(i.reason).toBeTruthy();

    // The scan's findings are exactly what json-rules-engine says about the same records.
    const ref = new EventEvaluator(pack.rules);
    const want = new Map<string, number>();
    const sources = [
      ...require('node:fs').readdirSync(STRATUS).map((f: string) => JSON.parse(readFileSync(join(STRATUS, f), 'utf8'))).flat(),
      ...readFileSync(join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    ];
    const seen = new Set<string>();
    for (const r of sources) {
      for (const id of await ref.matches(r)) {
        const key = `${id}|${r.eventID}`;
        if (seen.has(key)) continue;
        seen.add(key);
        want.set(id, (want.get(id) ?? 0) + 1);
      }
    }
    const got = new Map<string, number>();
    for (const f of doc.findings) got.set(f.ruleId, (got.get(f.ruleId) ?? 0) + 1);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    expect(doc.findings.length).toBeGreaterThan(0);
  });

  test('findings carry the contract: subject, evidence, controls, stable ids', async () => {
    const a = await runScan({ pack, events: [STRATUS] });
    const b = await runScan({ pack, events: [STRATUS] });
    expect([...a.findings].map((f) => f.id)).toEqual([...b.findings].map((f) => f.id));
    for (const f of a.findings) {
      expect(f.status).toBe('fail');
      expect(f.subject.kind).toBe('event');
      if (f.subject.kind !== 'event') continue;
      expect(f.subject.source.path).toMatch(/\.json$/);
      expect(typeof f.subject.source.index).toBe('number');
      expect(f.evidence.filterPattern).toBe(pack.rules.find((r) => r.id === f.ruleId)?.cloudwatch?.filterPattern);
      expect(new Set(f.controls)).toEqual(new Set(pack.rules.find((r) => r.id === f.ruleId)?.controls));
    }
  });

  test('the same events read twice are reported once and counted as duplicates', async () => {
    const dir = tmp();
    const file = join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json');
    copyFileSync(file, join(dir, 'a.json'));
    copyFileSync(file, join(dir, 'b.json'));
    const once = await runScan({ pack, events: [file] });
    const twice = await runScan({ pack, events: [dir] });
    expect([...twice.findings].map((f) => f.id)).toEqual([...once.findings].map((f) => f.id));
    expect(twice.summary.events).toBe(2 * once.summary.events);
    // Every event that matched once is seen a second time: each counts once, however many rules matched it.
    const matchedEvents = new Set([...once.findings].map((f) => (f.subject.kind === 'event' ? f.subject.eventId : f.id)));
    expect(matchedEvents.size).toBeGreaterThan(0);
    expect(twice.summary.duplicateEventsIgnored).toBe(matchedEvents.size);
  });

  test('bad input is reported and loses nothing else', async () => {
    const dir = tmp();
    const good = JSON.parse(readFileSync(join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json'), 'utf8'));
    writeFileSync(join(dir, '1-good.json.gz'), gzipSync(JSON.stringify({ Records: good })));
    const corrupt = gzipSync(JSON.stringify({ Records: good }));
    writeFileSync(join(dir, '2-corrupt.json.gz'), corrupt.subarray(0, Math.floor(corrupt.length / 2)));
    writeFileSync(join(dir, '3-truncated.json'), JSON.stringify({ Records: good }).slice(0, 900));
    writeFileSync(join(dir, '4-unknown.json'), JSON.stringify({ hello: 'world' }));
    const doc = await runScan({ pack, events: [dir] });
    const byName = (n: string) => doc.inputs.find((i) => i.path.endsWith(n));
    expect(byName('1-good.json.gz')?.status).toBe('processed');
    expect(byName('1-good.json.gz')?.records).toBe(good.length);
    expect(byName('2-corrupt.json.gz')?.status).toBe('error');
    expect(byName('2-corrupt.json.gz')?.reason).toMatch(/gzip|compress|unexpected end/i);
    expect(byName('3-truncated.json')?.status).toBe('error');
    expect(byName('3-truncated.json')?.reason).toMatch(/truncated|unexpected end|line \d+/i);
    expect(['skipped', 'error']).toContain(byName('4-unknown.json')?.status);
    expect(byName('4-unknown.json')?.reason).toBeTruthy();
    const goodOnly = await runScan({ pack, events: [join(dir, '1-good.json.gz')] });
    const goodIds = new Set([...goodOnly.findings].map((f) => f.id));
    for (const id of goodIds) expect([...doc.findings].some((f) => f.id === id)).toBe(true);
  });
});

describe('trailproof scan (CLI)', () => {
  test('writes findings.json, exits 1 on failing findings and 0 with --fail-on none', () => {
    const out = tmp();
    const file = join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json');
    const r = cli(['scan', '--events', file, '--out', out]);
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    expect(doc.schemaVersion).toBe('1.0');
    expect(doc.tool.name).toBe('trailproof');
    expect(doc.rulePack.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.inputs[0].path).toBe(file);
    expect(r.code).toBe([...doc.findings].some((f) => f.status === 'fail') ? 1 : 0);
    expect(r.stdout).toMatch(/verdict:/);
    const quiet = cli(['scan', '--events', file, '--out', out, '--fail-on', 'none', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
  });

  test('exit 2: usage errors and no readable input', () => {
    expect(cli(['scan']).code).toBe(2);
    expect(cli(['scan', '--events', 'x', '--fail-on', 'severe']).code).toBe(2);
    expect(cli(['nope']).code).toBe(2);
    const out = tmp();
    const r = cli(['scan', '--events', join(out, 'does-not-exist.json'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no input could be read/);
  });

  test('a bad rule file is named with its pointer; --strict makes it fatal', () => {
    const rules = tmp();
    mkdirSync(join(rules, 'x'));
    writeFileSync(join(rules, 'x', 'bad.json'), JSON.stringify({ id: 'Bad Id', title: 'x' }));
    const file = join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json');
    const lenient = cli(['scan', '--rules', rules, '--events', file, '--out', tmp()]);
    expect(lenient.stderr).toMatch(/bad\.json/);
    expect(lenient.stderr).toMatch(/\/id/);
    expect(lenient.code).toBe(0);
    const strict = cli(['scan', '--strict', '--rules', rules, '--events', file, '--out', tmp()]);
    expect(strict.code).toBe(2);
  });

  test('npx trailproof --help lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scan\s/);
  });
});

describe('scan over worker threads', () => {
  test('gives the same document as one thread, whatever the worker count', async () => {
    const dirs = [join(REPO, 'samples', 'cloudtrail'), STRATUS];
    const one = await runScan({ pack, events: dirs, workers: 1 });
    for (const workers of [2, 3]) {
      const many = await runScan({ pack, events: dirs, workers });
      expect([...many.findings]).toEqual([...one.findings]);
      expect(many.inputs).toEqual(one.inputs);
      expect(many.summary).toEqual(one.summary);
    }
    expect(one.summary.duplicateEventsIgnored).toBeGreaterThan(0); // Stratus appears in both trees
  });
});
