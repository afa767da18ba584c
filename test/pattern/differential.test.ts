import fc from 'fast-check';
import { EventEvaluator } from '../../src/engine/evaluate';
import type { Rule } from '../../src/model/rule';
import type { FilterPattern } from '../../src/pattern/ast';
import { matchesRecord } from '../../src/pattern/evaluate';
import { parseFilterPattern } from '../../src/pattern/parse';
import { eventsFor } from './generators';
import { allEventRules, sharedEvents } from './support';

/**
 * The heart of issue 5: for every event rule, json-rules-engine running the conditions and the
 * filter-pattern evaluator running `cloudwatch.filterPattern` give the same verdict, on real
 * data, on the rules' examples and on generated edge events.
 */

const rules = allEventRules();
const events = sharedEvents();
/** Generated events per rule; the total is printed by the summary test. */
const RUNS_PER_RULE = 800;

interface Subject {
  rule: Rule;
  pattern: FilterPattern;
  evaluator: EventEvaluator;
}

const subjects: Subject[] = rules.map((rule) => ({
  rule,
  pattern: parseFilterPattern(rule.cloudwatch!.filterPattern).pattern,
  evaluator: new EventEvaluator([rule]),
}));

async function verdicts(s: Subject, record: Record<string, unknown>): Promise<{ conditions: boolean; pattern: boolean }> {
  const conditions = (await s.evaluator.matches(record)).length > 0;
  const pattern = matchesRecord(s.pattern, record);
  return { conditions, pattern };
}

function disagreement(s: Subject, where: string, record: unknown, v: { conditions: boolean; pattern: boolean }): string {
  return [
    `rule ${s.rule.id} (${s.rule.sourcePath}) disagrees on ${where}:`,
    `  conditions (json-rules-engine): ${v.conditions ? 'match' : 'no match'}`,
    `  filter pattern:                 ${v.pattern ? 'match' : 'no match'}`,
    `  pattern: ${s.rule.cloudwatch!.filterPattern}`,
    `  event: ${JSON.stringify(record)}`,
  ].join('\n');
}

/** json-rules-engine's verdicts on the shared data, all rules in one engine run per event. */
let dataCache: Promise<Set<string>[]> | undefined;
function dataVerdicts(): Promise<Set<string>[]> {
  dataCache ??= (async () => {
    const all = new EventEvaluator(rules);
    const out: Set<string>[] = [];
    for (const e of events) out.push(new Set(await all.matches(e.record)));
    return out;
  })();
  return dataCache;
}

const stats = { dataEvents: 0, dataMatches: 0, generated: 0, generatedMatches: 0 };

test('the rule pack and the shared data are there', () => {
  expect(rules.length).toBeGreaterThanOrEqual(5);
  expect(events.length).toBeGreaterThan(1000);
});

describe.each(subjects.map((s) => [s.rule.id, s] as const))('%s', (_id, s) => {
  test('agrees on every event of the shared data', async () => {
    const byConditions = await dataVerdicts();
    const problems: string[] = [];
    events.forEach((e, i) => {
      const v = { conditions: byConditions[i].has(s.rule.id), pattern: matchesRecord(s.pattern, e.record) };
      stats.dataEvents++;
      if (v.pattern) stats.dataMatches++;
      if (v.conditions !== v.pattern) problems.push(disagreement(s, e.label, e.record, v));
    });
    expect(problems.slice(0, 3)).toEqual([]);
  });

  test('agrees with its examples', async () => {
    for (const ex of s.rule.examples) {
      const v = await verdicts(s, ex.input);
      const want = ex.expect === 'match';
      expect({ example: ex.name, ...v }).toEqual({ example: ex.name, conditions: want, pattern: want });
    }
  });

  test(`agrees on ${RUNS_PER_RULE} generated edge events`, async () => {
    const matching = events.filter((e) => matchesRecord(s.pattern, e.record)).slice(0, 5).map((e) => e.record);
    const bases = [...s.rule.examples.map((x) => x.input), ...matching];
    if (s.pattern.kind !== 'json') throw new Error('event rules carry JSON patterns');
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(eventsFor(s.pattern.expr, bases), async (record) => {
        const v = await verdicts(s, record);
        stats.generated++;
        if (v.pattern) {
          matched++;
          stats.generatedMatches++;
        }
        if (v.conditions !== v.pattern) throw new Error(disagreement(s, 'a generated event', record, v));
      }),
      { numRuns: RUNS_PER_RULE, seed: 20261125, endOnFailure: true, includeErrorInReport: true },
    );
    // The generator must exercise both sides of the rule, or agreement proves little.
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(RUNS_PER_RULE);
  });
});

test('the harness catches a rule whose pattern says || where the conditions say &&', async () => {
  const { loadRulePack } = await import('../../src/rules/load');
  const { join } = await import('node:path');
  const rule = loadRulePack({ dir: join(__dirname, 'fixtures', 'bad-rules') }).rules.find((r) => r.id === 'test-disagree')!;
  const s: Subject = { rule, pattern: parseFilterPattern(rule.cloudwatch!.filterPattern).pattern, evaluator: new EventEvaluator([rule]) };
  if (s.pattern.kind !== 'json') throw new Error('json expected');
  const run = fc.assert(
    fc.asyncProperty(eventsFor(s.pattern.expr, rule.examples.map((x) => x.input)), async (record) => {
      const v = await verdicts(s, record);
      if (v.conditions !== v.pattern) throw new Error(disagreement(s, 'a generated event', record, v));
    }),
    { numRuns: 200, seed: 1, includeErrorInReport: true },
  );
  await expect(run).rejects.toThrow(/test-disagree .*disagrees[\s\S]*filter pattern: +match/);
});

afterAll(() => {
  process.stdout.write(
    `differential: ${rules.length} event rules; ${stats.dataEvents} rule x data-event checks (${stats.dataMatches} matches); ` +
      `${stats.generated} generated checks (${stats.generatedMatches} matches)\n`,
  );
});
