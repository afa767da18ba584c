import { execFileSync } from 'node:child_process';
import { parseTime } from '../../src/util/time';
import { REPO } from '../support/paths';

/** parseTime in a fresh process whose zone is `tz` (a test process cannot change its own). */
function parseIn(tz: string, texts: string[]): { offset: number; jsLocal: string; parsed: (string | null)[] } {
  const script = `require('./bin/ts-require.js').register();
const { parseTime } = require('./src/util/time.ts');
const texts = JSON.parse(process.argv[1]);
process.stdout.write(JSON.stringify({
  offset: new Date(2026, 0, 31, 8).getTimezoneOffset(),
  jsLocal: new Date('2026-01-31T08:00:00').toISOString(),
  parsed: texts.map((t) => parseTime(t)?.toISOString() ?? null),
}));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(texts)], { cwd: REPO, env: { ...process.env, TZ: tz }, encoding: 'utf8' }));
}

describe('parseTime: one reading of command-line times, UTC when no zone is given', () => {
  test('in a process whose zone is 8 hours west of UTC, a time without a zone is still UTC', () => {
    const r = parseIn('America/Los_Angeles', ['2026-01-31T08:00:00', '2026-01-31', '2026-01-31T08:00:00+01:00']);
    // The zone took effect: JavaScript's own Date reads the same text as local time there.
    expect(r.offset).toBe(8 * 60);
    expect(r.jsLocal).toBe('2026-01-31T16:00:00.000Z');
    expect(r.parsed).toEqual(['2026-01-31T08:00:00.000Z', '2026-01-31T00:00:00.000Z', '2026-01-31T07:00:00.000Z']);
  });

  test('no zone is UTC, for a date and for a date-time', () => {
    expect(parseTime('2026-01-31T08:00:00')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31T08:00')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31 08:00:00')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31')?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });

  test('a zone is honoured: Z, ±hh:mm, ±hhmm, ±hh; fractions to the millisecond', () => {
    expect(parseTime('2026-01-31T08:00:00Z')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31T09:30:00+01:30')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31T03:00:00-0500')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31T10:00+02')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(parseTime('2026-01-31T08:00:00.123456Z')?.toISOString()).toBe('2026-01-31T08:00:00.123Z');
    expect(parseTime('2026-01-31T08:00:00.5')?.toISOString()).toBe('2026-01-31T08:00:00.500Z');
  });

  test('what is not a real time is refused, not rolled over or guessed', () => {
    for (const s of ['yesterday', '2026-02-30', '2026-02-29T00:00:00Z', '2026-13-01', '2026-01-31T24:00:00', '2026-01-31T08:60', '2026-01-31T08:00:00+25:00', 'Jan 31 2026', '1769846400', '']) {
      expect([s, parseTime(s)]).toEqual([s, undefined]);
    }
    expect(parseTime('2028-02-29')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});
