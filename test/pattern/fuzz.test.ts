import fc from 'fast-check';
import { comparePatterns } from '../../src/pattern/compare';
import { PatternSyntaxError } from '../../src/pattern/errors';
import { matchesMessage } from '../../src/pattern/evaluate';
import { formatPattern } from '../../src/pattern/format';
import { parseFilterPattern } from '../../src/pattern/parse';

/**
 * The parser on hostile input: random strings and mutations of valid patterns either parse or
 * throw PatternSyntaxError (never anything else), never hang, and what parses can be printed,
 * re-parsed, compared and evaluated without throwing.
 */

/** Generous: a parse takes microseconds; this only catches a hang or runaway backtracking. */
const HANG_BOUND_MS = 1000;

const SEEDS = [
  '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)}',
  '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") }',
  '{ $.a[0].b = %^x[0-9]+$% && $.n >= -1.5e3 && $.f IS NULL }',
  '[ip, user, ..., status_code = 4* || status_code = 5*, bytes > 1000]',
  '?"ERROR x" -y ?WARN',
  '%AUTH[a-z]{2,}%',
];

const ALPHABET = '{}[]()$.=!<>&|"%*?-_ \\\n\tISNULLTRUEFALSENOTEXISTS0123456789abcxyz:,;@#+é';

const hostile = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 120 }),
  fc
    .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 4 })), { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => {
      let s = seed;
      for (const [at, del, ins] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ins + s.slice(i + del);
      }
      return s;
    }),
);

function tryParse(text: string) {
  try {
    return parseFilterPattern(text);
  } catch (e) {
    if (e instanceof PatternSyntaxError) {
      expect(e.position).toBeGreaterThanOrEqual(0);
      expect(e.position).toBeLessThanOrEqual(text.length);
      return undefined;
    }
    throw new Error(`parser threw ${(e as Error)?.name}: ${(e as Error)?.message} on ${JSON.stringify(text)}`);
  }
}

test('random and mutated patterns: only PatternSyntaxError, bounded time, round trips', () => {
  let parsed = 0;
  let rejected = 0;
  fc.assert(
    fc.property(hostile, fc.string({ maxLength: 60 }), (text, message) => {
      const t0 = performance.now();
      const r = tryParse(text);
      const elapsed = performance.now() - t0;
      if (elapsed > HANG_BOUND_MS) throw new Error(`parse took ${elapsed} ms on ${JSON.stringify(text)}`);
      if (!r) {
        rejected++;
        return;
      }
      parsed++;
      const printed = formatPattern(r.pattern);
      const again = tryParse(printed);
      if (r.pattern.kind !== 'match-all') expect(again?.pattern.kind).toBe(r.pattern.kind);
      if (r.pattern.kind === 'json' && printed.length <= 1024) expect(comparePatterns(printed, text).relation).toBe('equivalent');
      matchesMessage(r.pattern, message);
      matchesMessage(r.pattern, JSON.stringify({ a: message, n: message.length }));
    }),
    { numRuns: 4000, seed: 42, includeErrorInReport: true },
  );
  // Both outcomes must be exercised, or the fuzzing proves little.
  expect(parsed).toBeGreaterThan(100);
  expect(rejected).toBeGreaterThan(100);
});

test('very long and deeply nested inputs are refused or parsed without a stack overflow', () => {
  const deep = `{ ${'('.repeat(400)}$.a = 1${')'.repeat(400)} }`;
  expect(parseFilterPattern(deep).pattern.kind).toBe('json');
  expect(() => parseFilterPattern(`{ ${'('.repeat(5000)}$.a = 1${')'.repeat(5000)} }`)).toThrow(PatternSyntaxError);
  expect(() => parseFilterPattern('x'.repeat(100000))).toThrow(PatternSyntaxError);
});
