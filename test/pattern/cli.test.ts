import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as patternCommand } from '../../src/cli/commands/pattern';
import { command as rulesCommand } from '../../src/cli/commands/rules';
import type { Command } from '../../src/cli/command';
import { DATASETS } from '../support/paths';
import { FIXTURE_RULES } from './support';

async function run(cmd: Command, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await cmd.run(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const STRATUS = join(DATASETS, 'stratus-red-team', 'detonation-logs');
const STOP_FILE = join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json');

describe('trailproof pattern test', () => {
  test('--json counts and lists the matching events of a file, like TestMetricFilter', async () => {
    const records = JSON.parse(readFileSync(STOP_FILE, 'utf8')) as { eventName: string; eventID: string }[];
    const want = records.filter((r) => r.eventName === 'StopLogging').map((r) => r.eventID);
    expect(want.length).toBeGreaterThan(0);
    const r = await run(patternCommand, ['test', '--pattern', '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) && ($.x = 1) }', '--json', STOP_FILE]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { matched: number; eventIds: string[]; warnings: { code: string }[] };
    expect(doc.matched).toBe(want.length);
    expect(doc.eventIds).toEqual(want);
    expect(doc.warnings.map((w) => w.code)).toEqual(['mixed-and-or']);
  });

  test('reads directories and several files, prints each match with its place', async () => {
    const r = await run(patternCommand, ['test', '--pattern', '{ $.eventSource = "cloudtrail.amazonaws.com" && $.eventName = "StopLogging" }', STRATUS]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/aws\.defense-evasion\.cloudtrail-stop\.json:\S+ .*StopLogging/);
    expect(r.out).toMatch(/^\d+ of \d+ events matched \(3\d inputs\)$/m);
  });

  test('a term pattern searches the record text', async () => {
    const r = await run(patternCommand, ['test', '--pattern', 'StopLogging', '--json', STOP_FILE]);
    expect((JSON.parse(r.out) as { matched: number }).matched).toBeGreaterThan(0);
  });

  test('event text is escaped on the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-pattern-'));
    const f = join(dir, 'evil.json');
    writeFileSync(f, JSON.stringify({ Records: [{ eventName: 'X\u001b[31mred', eventID: 'e1', eventTime: '2024-01-01T00:00:00Z' }] }));
    const r = await run(patternCommand, ['test', '--pattern', '{ $.eventID = e1 }', f]);
    expect(r.out).not.toContain('\u001b');
    expect(r.out).toContain('\\u001b');
  });

  test('a pattern AWS would reject exits 2 with a caret under the position', async () => {
    const r = await run(patternCommand, ['test', '--pattern', '{ $.a = %a(b)% }', STOP_FILE]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('groups and parentheses are not supported');
    expect(r.err).toContain('{ $.a = %a(b)% }\n          ^');
  });

  test('an unreadable input is reported, and with nothing readable the exit is 2', async () => {
    const r = await run(patternCommand, ['test', '--pattern', '{ $.a = 1 }', '--json', '/nonexistent/trail.json']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('/nonexistent/trail.json');
    expect(JSON.parse(r.out)).toEqual({ matched: 0, eventIds: [], warnings: [] });
  });
});

describe('trailproof pattern check / compare', () => {
  test('check prints kind and normal form', async () => {
    const r = await run(patternCommand, ['check', '--pattern', '{($.b=2)||($.a="1")}', '--json']);
    expect(JSON.parse(r.out)).toEqual({ kind: 'json', normal: '{ $.a = "1" || $.b = 2 }', warnings: [] });
  });
  test('compare exits 0 for equivalent, 1 for narrower', async () => {
    expect((await run(patternCommand, ['compare', '--actual', '{$.a=x}', '--expected', '{ ($.a = "x") }'])).code).toBe(0);
    const r = await run(patternCommand, ['compare', '--actual', '{$.a=x}', '--expected', '{ $.a = x || $.a = y }']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('only expected: $.a = "y"');
  });
});

describe('trailproof rules lint / list', () => {
  test('the bundled rule pack lints clean', async () => {
    const r = await run(rulesCommand, ['lint', '--json']);
    const doc = JSON.parse(r.out) as { eventRules: number; errors: number; problems: unknown[] };
    expect(doc.problems).toEqual([]);
    expect(r.code).toBe(0);
    expect(doc.eventRules).toBeGreaterThan(0);
  });

  test('problems name the file and JSON pointer, and exit 1', async () => {
    const r = await run(rulesCommand, ['lint', '--rules', join(__dirname, 'fixtures', 'bad-rules')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/bad-regex\.json#\/cloudwatch\/filterPattern error: filter pattern rejected: groups and parentheses/);
    expect(r.out).toMatch(/disagree\.json#\/cloudwatch\/filterPattern error: filter pattern and conditions disagree \(pattern is broader/);
    expect(r.out).toMatch(/disagree\.json#\/examples\/1 error: .*filter pattern says match/);
  });

  test('a pattern longer than 1024 characters and a condition without a pattern form are errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-rules-'));
    const base = JSON.parse(readFileSync(join(FIXTURE_RULES, 'kms.json'), 'utf8'));
    const names = Array.from({ length: 40 }, (_, i) => `SomeVeryLongEventNameNumber${i}`);
    const long = { ...base, id: 'long-one', conditions: { all: [{ fact: 'event', path: '$.eventName', operator: 'cwIn', value: names }] } };
    long.cloudwatch = { ...base.cloudwatch, filterPattern: `{ ${names.map((n) => `($.eventName = "${n}")`).join(' || ')} }` };
    long.examples = [];
    writeFileSync(join(dir, 'long.json'), JSON.stringify(long));
    const bool = { ...base, id: 'bool-one', conditions: { all: [{ fact: 'event', path: '$.readOnly', operator: 'cwEquals', value: true }] }, examples: [] };
    bool.cloudwatch = { ...base.cloudwatch, filterPattern: '{ $.readOnly IS TRUE }' };
    writeFileSync(join(dir, 'bool.json'), JSON.stringify(bool));
    // Both are refused when the pack is read; a good rule beside them keeps the pack readable (exit 1, not 2).
    writeFileSync(join(dir, 'kms.json'), JSON.stringify(base));
    const r = await run(rulesCommand, ['lint', '--rules', dir, '--json']);
    const doc = JSON.parse(r.out) as { problems: { path: string; pointer: string; message: string }[] };
    expect(r.code).toBe(1);
    const byFile = (f: string) => doc.problems.filter((p) => p.path.endsWith(f));
    expect(byFile('long.json').map((p) => p.pointer)).toContain('/cloudwatch/filterPattern');
    expect(byFile('long.json').map((p) => p.message).join()).toMatch(/1024/);
    expect(byFile('bool.json').map((p) => [p.pointer, p.message])).toContainEqual(['/conditions/all/0/value', expect.stringMatching(/no filter-pattern form/)]);
  });

  test('list shows every rule', async () => {
    const r = await run(rulesCommand, ['list', '--rules', FIXTURE_RULES, '--json']);
    const rows = JSON.parse(r.out) as { id: string; target: string }[];
    expect(rows.map((x) => x.id).sort()).toEqual(['test-console-no-mfa', 'test-kms-disable', 'test-odd-shapes', 'test-root-usage', 'test-unauthorized-calls']);
  });
});

describe('pattern test reads events through the event-source registry', () => {
  test('its help lists every registered source, as scan does', async () => {
    const { EVENT_SOURCES } = await import('../../src/sources/event-sources');
    const { command: scanCommand } = await import('../../src/cli/commands/scan');
    const usage = (c: Command) => c.usage;
    for (const s of EVENT_SOURCES) {
      expect(usage(patternCommand)).toContain(`${s.form}  `);
      expect(usage(scanCommand)).toContain(`${s.form}  `);
    }
  });

  test('a missing path and a readable one: the readable one is matched, the missing one named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-pattern-src-'));
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify({ Records: [{ eventVersion: '1.08', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventID: 'e-1', eventTime: '2026-01-01T00:00:00Z' }] }));
    const r = await run(patternCommand, ['test', '--pattern', '{ $.eventName = "ConsoleLogin" }', '--json', join(dir, 'missing.json'), file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ matched: 1, eventIds: ['e-1'] });
    expect(r.err).toContain('missing.json');
  });
});
