import { insightsQuery } from '../../src/insights/translate';
import type { Rule } from '../../src/model/rule';
import { matchesRecord, parseFilterPattern } from '../../src/pattern';
import { loadRulePack } from '../../src/rules/load';
import { fieldCount, runQuery } from '../support/insights-interpreter';
import { sharedEvents } from '../support/shared-events';

/**
 * The Logs Insights query of every event rule finds the events its filter pattern finds. The
 * pattern side is trailproof's evaluator; the query side is test/support/insights-interpreter.ts,
 * written from AWS's Logs Insights pages alone, with its open choices (I1-I6) listed there.
 */
const rules = loadRulePack().rules.filter((r): r is Rule & { cloudwatch: NonNullable<Rule['cloudwatch']> } => r.target === 'event' && r.cloudwatch !== undefined);
const { stratus, panther, invictus } = sharedEvents();
const datasets = { stratus, panther, invictus };

function withoutNulls(v: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === null ? undefined : x))) as Record<string, unknown>;
}

describe('the interpreter reads AWS examples as AWS describes them', () => {
  // Examples from the "CloudWatch Logs Insights query syntax" page and its filter section.
  const events = [
    { range: 3500, accountId: 123456789012, f1: 'java.lang.Exception: boom', statusCode: 204 },
    { range: 2000, accountId: 123456789012, f1: 'all good', statusCode: 404 },
    { range: 4000, accountId: 210987654321, f1: 'exception in lower case', statusCode: 250 },
  ];
  test.each([
    ['filter (range>3000)', [0, 2]],
    ['filter (range>3000 and accountId=123456789012)', [0]],
    ['fields f1, f2, f3 | filter f1 like /Exception/', [0]],
    ['fields f1, f2, f3 | filter f1 =~ /Exception/', [0]],
    ['fields f1, f2, f3 | filter f1 like "Exception"', [0]],
    ['fields f1 | filter statusCode like /2\\d\\d/', []], // a number, not text: I3
    ['filter ispresent(f1) and not ispresent(f2)', [0, 1, 2]],
  ])('%s', (q, want) => {
    expect(runQuery(q, events).matched).toEqual(want);
  });

  test('JSON fields in dot notation, array items by index (the "discovered fields" page example)', () => {
    const ev = { userIdentity: { type: 'IAMUser' }, requestParameters: { instancesSet: { items: [{ instanceId: 'i-abcde123' }] } } };
    expect(runQuery('filter userIdentity.type = "IAMUser" and requestParameters.instancesSet.items.0.instanceId = "i-abcde123"', [ev]).matched).toEqual([0]);
  });
});

describe('each event rule: the Insights query matches what the filter pattern matches, on the real datasets', () => {
  const summary: string[] = [];
  afterAll(() => {
    // What the comparison found, per rule: printed so a reader sees where the languages differ.
    process.stdout.write(`Logs Insights vs filter pattern (matches on ${stratus.length + panther.length + invictus.length} dataset records):\n${summary.join('\n')}\n`);
  });

  test.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const pattern = parseFilterPattern(rule.cloudwatch.filterPattern).pattern;
    const q = insightsQuery(rule.cloudwatch.filterPattern);
    let matches = 0;
    let beyondFieldLimit = 0;
    let nullValued = 0;
    let limitedAway = 0;
    // Only the differences the translation documents may explain a disagreement: a record past
    // Insights' 100 fields, or a field present with the value null (gone when nulls are dropped).
    const explain = (where: string, r: Record<string, unknown>, wantMatch: boolean) => {
      if (fieldCount(r) > 100) beyondFieldLimit++;
      else if (q.differences.some((d) => d.includes('null')) && runQuery(q.query, [withoutNulls(r)]).matched.length === (matchesRecord(pattern, withoutNulls(r)) ? 1 : 0)) nullValued++;
      else throw new Error(`${rule.id}: ${where} (${String(r.eventName)}): pattern ${wantMatch}, query ${!wantMatch}`);
    };
    const sets = { ...datasets, examples: rule.examples.map((e) => e.input) };
    for (const [name, records] of Object.entries(sets)) {
      const want = records.map((r, i) => (matchesRecord(pattern, r) ? i : -1)).filter((i) => i >= 0);
      const got = runQuery(q.query, records).matched;
      for (const i of [...new Set([...want, ...got])]) if (want.includes(i) !== got.includes(i)) explain(`${name} record ${i}`, records[i], want.includes(i));
      if (name !== 'examples') {
        matches += want.length;
        // Were Insights to keep the first 100 fields in document order (I7), these would differ.
        const limited = runQuery(q.query, records, { fieldLimit: 100 }).matched;
        limitedAway += want.filter((i) => !limited.includes(i)).length;
      }
    }
    summary.push(
      `  ${rule.id}: ${matches} match(es), same in both${q.exact ? '' : ' (inexact: see differences)'}${beyondFieldLimit ? `; ${beyondFieldLimit} differ past the 100-field limit` : ''}${nullValued ? `; ${nullValued} differ on a null-valued field` : ''}${limitedAway ? `; ${limitedAway} would be missed if Insights kept only the first 100 fields in document order` : ''}`,
    );
  });

  test('the datasets exercise the queries: most rules match something, and records with more than 100 fields are present', () => {
    const all = [...stratus, ...panther, ...invictus];
    const matching = rules.filter((r) => runQuery(insightsQuery(r.cloudwatch.filterPattern).query, all).matched.length > 0);
    expect(matching.length).toBeGreaterThanOrEqual(Math.floor(rules.length * 0.6));
    expect(all.some((r) => fieldCount(r) > 100)).toBe(true);
  });
});

describe('the by-principal variant counts the same events, grouped by who made the call', () => {
  test.each(['cis-unauthorized-api-calls', 'cis-iam-policy-changes', 'iam-access-key-created'])('%s', (id) => {
    const rule = rules.find((r) => r.id === id)!;
    const pattern = parseFilterPattern(rule.cloudwatch.filterPattern).pattern;
    const records = [...stratus, ...panther, ...invictus];
    const want = new Map<string, number>();
    for (const r of records) {
      if (!matchesRecord(pattern, r)) continue;
      const u = (r.userIdentity ?? {}) as Record<string, unknown>;
      const who = String(u.arn ?? u.principalId ?? u.invokedBy ?? u.type ?? null);
      const k = `${who}\u0000${String(r.eventName)}`;
      want.set(k, (want.get(k) ?? 0) + 1);
    }
    const rows = runQuery(insightsQuery(rule.cloudwatch.filterPattern).byPrincipal, records).stats!;
    const got = new Map(rows.map((row) => [`${String(row.principal)}\u0000${String(row.eventName)}`, row.events as number]));
    expect(got).toEqual(want);
    expect(want.size).toBeGreaterThan(0);
  });
});

describe('where the languages differ, the translation says so', () => {
  test('IS TRUE / IS NULL have no Insights literal: inexact, and the difference is named', () => {
    const q = insightsQuery('{ ($.readOnly IS TRUE) && ($.responseElements IS NULL) }');
    expect(q.exact).toBe(false);
    expect(q.differences.join(' ')).toMatch(/IS TRUE.*no boolean literal/);
    expect(q.differences.join(' ')).toMatch(/IS NULL.*no null test/);
    // and the reason is real: a string "true" passes the query, not the pattern
    const tricky = { readOnly: 'true', responseElements: null };
    expect(matchesRecord(parseFilterPattern('{ $.readOnly IS TRUE }').pattern, tricky)).toBe(false);
    expect(runQuery(insightsQuery('{ $.readOnly IS TRUE }').query, [tricky]).matched).toEqual([0]);
  });

  test('every query carries the 100-field limit note; those testing presence carry the null note', () => {
    for (const r of rules) {
      const q = insightsQuery(r.cloudwatch.filterPattern);
      expect(q.differences.some((d) => d.includes('100 fields'))).toBe(true);
      if (q.filter.includes('ispresent(')) expect(q.differences.some((d) => d.includes('null'))).toBe(true);
    }
  });

  test('a term pattern is searched in @message, and said to be approximate', () => {
    const q = insightsQuery('ERROR -DEBUG');
    expect(q.exact).toBe(false);
    expect(q.filter).toContain('@message');
  });

  test('!= on a missing field is false in both (the query tests presence itself)', () => {
    const q = insightsQuery('{ $.eventName != "HeadBucket" }');
    expect(runQuery(q.query, [{ eventName: 'GetObject' }, {}, { eventName: 'HeadBucket' }, { eventName: 7 }]).matched).toEqual([0, 3]);
    expect([{ eventName: 'GetObject' }, {}, { eventName: 'HeadBucket' }, { eventName: 7 }].map((r) => matchesRecord(parseFilterPattern('{ $.eventName != "HeadBucket" }').pattern, r))).toEqual([true, false, false, true]);
  });
});
