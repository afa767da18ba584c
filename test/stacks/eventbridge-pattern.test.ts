import { eventPatternFor, UntranslatableRule } from '../../stacks/eventbridge-pattern';
import { readCondition, ruleCondition } from '../../src/semantics/condition-json';
import { loadRulePack } from '../../src/rules/load';
import { FIXTURE_RULES } from './support';

/**
 * A small EventBridge matcher written from AWS's documented pattern semantics (exact, prefix,
 * suffix, wildcard, anything-but, exists, numeric, $or; an event array matches if any element
 * does), used as the oracle: a translated rule must judge the rule's own examples as the rule does.
 */
type P = Record<string, unknown>;

function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function scalarMatches(m: unknown, v: unknown): boolean {
  if (m === null || typeof m !== 'object') return m === v;
  const o = m as Record<string, unknown>;
  if ('prefix' in o) return typeof v === 'string' && v.startsWith(o.prefix as string);
  if ('suffix' in o) return typeof v === 'string' && v.endsWith(o.suffix as string);
  if ('wildcard' in o) return typeof v === 'string' && globRe(o.wildcard as string).test(v);
  if ('numeric' in o) {
    const [op, n] = o.numeric as [string, number];
    if (typeof v !== 'number') return false;
    return op === '<' ? v < n : op === '>' ? v > n : op === '<=' ? v <= n : v >= n;
  }
  if ('anything-but' in o) {
    const ab = o['anything-but'];
    if (v === undefined) return false;
    if (Array.isArray(ab)) return !ab.includes(v);
    if (ab !== null && typeof ab === 'object') return typeof v === 'string' && !scalarMatches(ab, v);
    return v !== ab;
  }
  throw new Error(`matcher ${JSON.stringify(m)} not modelled`);
}

function fieldMatches(matchers: unknown[], value: unknown): boolean {
  for (const m of matchers) {
    if (m && typeof m === 'object' && 'exists' in (m as object)) {
      const present = value !== undefined && !(value !== null && typeof value === 'object' && !Array.isArray(value));
      if ((m as { exists: boolean }).exists === present) return true;
      continue;
    }
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => scalarMatches(m, v))) return true;
  }
  return false;
}

function matches(pattern: P, event: unknown): boolean {
  const e = (event ?? {}) as Record<string, unknown>;
  for (const [k, p] of Object.entries(pattern)) {
    if (k === '$or') {
      if (!(p as P[]).some((alt) => matches(alt, e))) return false;
    } else if (Array.isArray(p)) {
      if (!fieldMatches(p, e[k])) return false;
    } else if (!matches(p as P, e[k])) return false;
  }
  return true;
}

/** Conditions as a rule file writes them, read into the IR the translation walks. */
const translate = (conditions: unknown) => eventPatternFor(readCondition(conditions, 'test conditions'));

const cloudTrailEvent = (detail: unknown) => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail });

describe('translation', () => {
  test('AND across fields, OR within a field, globs as prefix/suffix/wildcard', () => {
    const p = translate({
      all: [
        { any: [
          { fact: 'event', path: '$.errorCode', operator: 'cwEquals', value: '*UnauthorizedOperation' },
          { fact: 'event', path: '$.errorCode', operator: 'cwEquals', value: 'AccessDenied*' },
          { fact: 'event', path: '$.errorCode', operator: 'cwEquals', value: 'Bad*Thing*' },
        ] },
        { fact: 'event', path: '$.userIdentity.type', operator: 'cwEquals', value: 'IAMUser' },
      ],
    });
    expect(p.detail).toEqual({
      errorCode: [{ suffix: 'UnauthorizedOperation' }, { prefix: 'AccessDenied' }, { wildcard: 'Bad*Thing*' }],
      userIdentity: { type: ['IAMUser'] },
    });
  });

  test('OR across different fields becomes $or; two != on one field one anything-but list', () => {
    const p = translate({
      all: [
        { any: [
          { fact: 'event', path: '$.eventName', operator: 'cwEquals', value: 'ConsoleLogin' },
          { fact: 'event', path: '$.eventSource', operator: 'cwEquals', value: 'signin.amazonaws.com' },
        ] },
        { fact: 'event', path: '$.eventType', operator: 'cwNotEquals', value: 'AwsServiceEvent' },
        { fact: 'event', path: '$.eventType', operator: 'cwNotEquals', value: 'AwsCloudTrailInsight' },
        { fact: 'event', path: '$.responseElements.count', operator: 'cwGreaterThan', value: 3 },
      ],
    });
    expect(p.detail).toEqual({
      $or: [{ eventName: ['ConsoleLogin'] }, { eventSource: ['signin.amazonaws.com'] }],
      eventType: [{ 'anything-but': ['AwsServiceEvent', 'AwsCloudTrailInsight'] }],
      responseElements: { count: [{ numeric: ['>', 3] }] },
    });
  });

  test.each([
    [{ all: [{ fact: 'event', path: '$.eventName', operator: 'cwEquals', value: { regex: 'Put.*' } }] }, /regex/],
    [{ all: [{ fact: 'event', path: '$.resources[0].ARN', operator: 'cwEquals', value: 'x' }] }, /array indexes/],
    [{ all: [
      { fact: 'event', path: '$.eventName', operator: 'cwEquals', value: 'A*' },
      { fact: 'event', path: '$.eventName', operator: 'cwNotEquals', value: 'AB' },
    ] }, /two tests on field eventName/],
    [{ all: [{ fact: 'event', path: '$.eventName', operator: 'cwNotEquals', value: '*' }] }, /!= \*/],
  ])('refuses what EventBridge cannot say: %j', (conditions, message) => {
    expect(() => translate(conditions)).toThrow(UntranslatableRule);
    expect(() => translate(conditions)).toThrow(message);
  });
});

describe('translated rules judge their own examples as the rules do', () => {
  const rules = [...loadRulePack({ dir: FIXTURE_RULES }).rules, ...loadRulePack().rules].filter((r) => r.target === 'event');
  const translated = rules.flatMap((r) => {
    try {
      return [{ rule: r, pattern: eventPatternFor(ruleCondition(r)) }];
    } catch (e) {
      if (e instanceof UntranslatableRule) return [];
      throw e;
    }
  });

  test('most event rules translate', () => {
    expect(translated.length).toBeGreaterThan(rules.length / 2);
  });

  test.each(translated.map((t) => [t.rule.id, t] as const))('%s', (_id, { rule, pattern }) => {
    for (const ex of rule.examples) {
      expect([ex.name, matches(pattern as P, cloudTrailEvent(ex.input))]).toEqual([ex.name, ex.expect === 'match']);
    }
    // Non-CloudTrail events never match.
    expect(matches(pattern as P, { 'detail-type': 'EC2 Instance State-change Notification', detail: rule.examples[0]?.input ?? {} })).toBe(false);
  });
});
