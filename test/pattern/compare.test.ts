import fc from 'fast-check';
import { comparePatterns } from '../../src/pattern/compare';
import { PatternSyntaxError } from '../../src/pattern/errors';
import { matchesRecord } from '../../src/pattern/evaluate';
import { parseFilterPattern } from '../../src/pattern/parse';
import { eventsFor } from './generators';

const rel = (a: string, e: string) => comparePatterns(a, e).relation;

describe('formatting does not matter (Prowler #113/#960/#1914, ScoutSuite #892)', () => {
  const cis44 =
    '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)}';
  test.each([
    '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) }',
    '{ $.eventName = "PutGroupPolicy" || $.eventName = "DeleteUserPolicy" || $.eventName = "DeleteRolePolicy" || $.eventName = "DeleteGroupPolicy" }',
    '{\n  ($.eventName = "DeleteGroupPolicy") ||\n  ($.eventName = "DeleteRolePolicy") ||\n  (($.eventName = "DeleteUserPolicy") || ($.eventName = "PutGroupPolicy"))\n}',
    '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) }',
  ])('%s is equivalent', (variant) => {
    const c = comparePatterns(variant, cis44);
    expect(c.relation).toBe('equivalent');
    expect(c.actual.normal).toBe(c.expected.normal);
    expect([c.missing, c.extra]).toEqual([[], []]);
  });

  test('distributing && over || is equivalent (CIS 4.7 written out)', () => {
    expect(
      rel(
        '{ ($.eventSource = kms.amazonaws.com && $.eventName = DisableKey) || ($.eventSource = kms.amazonaws.com && $.eventName = ScheduleKeyDeletion) }',
        '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
      ),
    ).toBe('equivalent');
  });
});

describe('CIS variants', () => {
  test('Security Hub 4.1 (no exclusions) is broader than CIS v4.0 4.1 (grouped exclusions)', () => {
    const c = comparePatterns(
      '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
      '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    );
    expect(c.relation).toBe('broader');
    expect(c.extra.map((x) => x.clause)).toEqual(['$.errorCode = "*UnauthorizedOperation"', '$.errorCode = "AccessDenied*"']);
    expect(c.witness).toMatchObject({ actualMatches: true, expectedMatches: false });
  });

  test('4.2 basic form is broader than the SSO-friendly form, and not the other way round', () => {
    const basic = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }';
    const sso =
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }';
    expect(rel(basic, sso)).toBe('broader');
    const c = comparePatterns(sso, basic);
    expect(c.relation).toBe('narrower-or-different');
    expect(c.missing[0].unmet).toEqual(['$.responseElements.ConsoleLogin = "Success"', '$.userIdentity.type = "IAMUser"']);
  });

  test('4.13 v3.0 without grouping parentheses is broader than the grouped intent, and warned about', () => {
    const written = '{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = DeleteRoute) }';
    const intended = '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = DeleteRoute)) }';
    const c = comparePatterns(written, intended);
    expect(c.relation).toBe('broader');
    expect(c.extra.map((x) => x.clause)).toEqual(['$.eventName = "DeleteRoute"']);
    expect(c.actual.warnings.map((w) => w.code)).toEqual(['mixed-and-or']);
  });

  test('a filter missing one event name names it, with a witness', () => {
    const c = comparePatterns(
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }',
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    );
    expect(c.relation).toBe('narrower-or-different');
    expect(c.missing.map((m) => m.clause)).toEqual(['$.eventName = "StopLogging"']);
    expect(c.extra).toEqual([]);
    expect(c.witness).toEqual({ record: { eventName: 'StopLogging' }, actualMatches: false, expectedMatches: true });
  });

  test('v5.0 4.10 adds ModifySecurityGroupRules: the older filter is narrower', () => {
    const old = '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) }';
    expect(rel(old, '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }')).toBe(
      'narrower-or-different',
    );
  });
});

describe('implication between conditions', () => {
  test.each([
    ['{ $.e = "AccessDenied*" }', '{ $.e = "AccessDenied" }', 'broader'],
    ['{ $.e = "Access*" }', '{ $.e = "AccessDenied*" }', 'broader'],
    ['{ $.e = "*Denied*" }', '{ $.e = "Access*Denied" }', 'broader'],
    ['{ $.e = "*" }', '{ $.e = "x" }', 'broader'],
    ['{ $.e = * }', '{ $.e > 5 }', 'broader'],
    ['{ $.e = * }', '{ $.e IS TRUE }', 'broader'],
    ['{ $.e = * }', '{ $.e IS NULL }', 'narrower-or-different'],
    ['{ $.n > 3 }', '{ $.n > 5 }', 'broader'],
    ['{ $.n >= 5 }', '{ $.n = 5 }', 'broader'],
    ['{ $.n > 5 }', '{ $.n > 3 }', 'narrower-or-different'],
    ['{ $.n != 2 }', '{ $.n > 3 }', 'broader'],
    ['{ $.e != "x" }', '{ $.e = "y" }', 'broader'],
    ['{ $.e != "x" }', '{ $.e = "x*" }', 'narrower-or-different'],
    ['{ $.e != "x" }', '{ $.e IS NULL }', 'broader'],
    ['{ $.a.b NOT EXISTS }', '{ $.a NOT EXISTS }', 'broader'],
    ['{ $.a.b NOT EXISTS }', '{ $.a = "scalar" }', 'broader'],
    ['{ $.e = "x" }', '{ $.e = "X" }', 'narrower-or-different'],
    ['{ $.n = 400 }', '{ $.n = "400" }', 'narrower-or-different'],
    ['{ $.e = %abc% }', '{ $.e = %abc% }', 'equivalent'],
    ['{ $.b = 1 }', '{ ($.a = 1 && $.a = 2) || $.b = 1 }', 'equivalent'],
    ['{ $.b = 1 }', '{ ($.a NOT EXISTS && $.a.c = 2) || $.b = 1 }', 'equivalent'],
  ])('%s vs %s: %s', (a, e, want) => expect(rel(a, e)).toBe(want));
});

describe('non-JSON patterns', () => {
  test.each([
    ['', '{ $.a = 1 }', 'broader'],
    ['" "', '', 'equivalent'],
    ['{ $.a = 1 }', '', 'narrower-or-different'],
    ['ERROR  -DEBUG', '"ERROR" -"DEBUG"', 'equivalent'],
    ['ERROR', 'WARN', 'narrower-or-different'],
    ['%a%', '{ $.a = %a% }', 'narrower-or-different'],
  ])('%j vs %j: %s', (a, e, want) => expect(rel(a, e)).toBe(want));
});

test('a pattern that does not parse throws PatternSyntaxError naming its side', () => {
  expect.assertions(3);
  try {
    comparePatterns('{ $.a = 1 }', '{ $.a = }');
  } catch (e) {
    expect(e).toBeInstanceOf(PatternSyntaxError);
    expect((e as PatternSyntaxError).side).toBe('expected');
    expect((e as PatternSyntaxError).position).toBe(8);
  }
});

/** Small random JSON patterns over a few selectors, to check the comparison never lies. */
const atom = fc.oneof(
  fc.tuple(fc.constantFrom('$.a', '$.b', '$.a.c'), fc.constantFrom('=', '!='), fc.constantFrom('"x"', '"x*"', '"*x"', '"*"', 'y', '1', '2')).map(([s, o, v]) => `${s} ${o} ${v}`),
  fc.tuple(fc.constantFrom('$.a', '$.b', '$.n'), fc.constantFrom('<', '>', '<=', '>='), fc.constantFrom('1', '2', '3')).map(([s, o, v]) => `${s} ${o} ${v}`),
  fc.constantFrom('$.a NOT EXISTS', '$.b IS NULL', '$.a.c NOT EXISTS', '$.n IS TRUE'),
);
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('e'), fc.constantFrom('&&', '||'), tie('e')).map(([l, o, r]) => `(${l} ${o} ${r})`),
  ),
})).e;

test('the comparison is sound: "equivalent" and "broader" hold on every generated event', () => {
  fc.assert(
    fc.property(
      fc.tuple(expr, expr).chain(([a, e]) => {
        const both = parseFilterPattern(`{ (${a}) || (${e}) }`).pattern;
        if (both.kind !== 'json') throw new Error('json');
        return fc.tuple(fc.constant(`{ ${a} }`), fc.constant(`{ ${e} }`), fc.array(eventsFor(both.expr, []), { minLength: 20, maxLength: 20 }));
      }),
      ([a, e, records]) => {
        const c = comparePatterns(a, e);
        const pa = parseFilterPattern(a).pattern;
        const pe = parseFilterPattern(e).pattern;
        for (const r of records) {
          const ma = matchesRecord(pa, r);
          const me = matchesRecord(pe, r);
          if (c.relation === 'equivalent' && ma !== me) throw new Error(`${a} said equivalent to ${e} but differs on ${JSON.stringify(r)}`);
          if (c.relation === 'broader' && me && !ma) throw new Error(`${a} said broader than ${e} but misses ${JSON.stringify(r)}`);
        }
        if (c.witness) {
          expect(matchesRecord(pa, c.witness.record)).toBe(c.witness.actualMatches);
          expect(matchesRecord(pe, c.witness.record)).toBe(c.witness.expectedMatches);
          expect(c.witness.actualMatches).not.toBe(c.witness.expectedMatches);
        }
        // A pattern is always equivalent to itself.
        expect(comparePatterns(a, a).relation).toBe('equivalent');
      },
    ),
    { numRuns: 400, seed: 7, includeErrorInReport: true },
  );
});
