import type { Rule } from '../model/rule';
import { EventEvaluator } from '../engine/evaluate';
import { ConditionError, ruleCondition } from '../semantics/condition-json';
import type { FilterPattern } from '../pattern/ast';
import { compareParsed } from '../pattern/compare';
import { ConversionError, conditionsToExpr } from '../pattern/convert';
import { PatternSyntaxError } from '../pattern/errors';
import { matchesRecord } from '../pattern/evaluate';
import { formatJsonExpr } from '../pattern/format';
import { parseFilterPattern } from '../pattern/parse';

export interface LintProblem {
  severity: 'error' | 'warning';
  /** The rule file. */
  path: string;
  ruleId: string;
  /** JSON pointer into the rule file. */
  pointer: string;
  message: string;
}

const PATTERN_POINTER = '/cloudwatch/filterPattern';

/**
 * Everything `rules lint` checks on one event rule: the filter pattern parses and stays within
 * AWS's limits, it means exactly what the conditions mean, and both agree with the examples.
 */
export async function lintEventRule(rule: Rule): Promise<LintProblem[]> {
  const problems: LintProblem[] = [];
  const add = (severity: LintProblem['severity'], pointer: string, message: string) =>
    problems.push({ severity, path: rule.sourcePath, ruleId: rule.id, pointer, message });
  if (rule.target !== 'event') return problems;
  const source = rule.cloudwatch?.filterPattern;
  if (source === undefined) {
    add('error', '/cloudwatch', 'event rule has no cloudwatch.filterPattern');
    return problems;
  }
  let pattern: FilterPattern | undefined;
  try {
    const parsed = parseFilterPattern(source);
    pattern = parsed.pattern;
    for (const w of parsed.warnings) add('warning', PATTERN_POINTER, `${w.message} (at position ${w.position + 1})`);
  } catch (e) {
    if (!(e instanceof PatternSyntaxError)) throw e;
    add('error', PATTERN_POINTER, `filter pattern rejected: ${e.message}`);
  }
  if (pattern && pattern.kind !== 'json') {
    add('error', PATTERN_POINTER, `an event rule needs a JSON filter pattern ({ … }), this is a ${pattern.kind} pattern`);
    pattern = undefined;
  }
  let fromConditions: FilterPattern | undefined;
  try {
    const expr = conditionsToExpr(ruleCondition(rule));
    fromConditions = { kind: 'json', source: `{ ${formatJsonExpr(expr)} }`, expr };
  } catch (e) {
    if (e instanceof ConditionError) add('error', e.pointer, e.detail);
    else if (e instanceof ConversionError) add('error', e.pointer, e.message);
    else throw e;
  }
  if (pattern && fromConditions) {
    const cmp = compareParsed(pattern, fromConditions);
    if (cmp.relation !== 'equivalent') {
      const lines = [`filter pattern and conditions disagree (pattern is ${cmp.relation} than the conditions${cmp.approximate ? ', approximate' : ''})`];
      lines.push(`  conditions as a pattern: ${cmp.expected.normal}`);
      lines.push(`  filter pattern:          ${cmp.actual.normal}`);
      for (const m of cmp.missing) lines.push(`  conditions match, pattern may not: ${m.clause}${m.unmet?.length ? `  (pattern needs ${m.unmet.join(' && ')})` : ''}`);
      for (const x of cmp.extra) lines.push(`  pattern matches, conditions may not: ${x.clause}${x.unmet?.length ? `  (conditions need ${x.unmet.join(' && ')})` : ''}`);
      if (cmp.witness) {
        lines.push(`  for example ${JSON.stringify(cmp.witness.record)}: pattern ${cmp.witness.actualMatches ? 'matches' : 'does not match'}, conditions ${cmp.witness.expectedMatches ? 'match' : 'do not match'}`);
      }
      add('error', PATTERN_POINTER, lines.join('\n'));
    }
  }
  const evaluator = new EventEvaluator([rule]);
  for (const [i, ex] of rule.examples.entries()) {
    const want = ex.expect === 'match';
    const byConditions = (await evaluator.matches(ex.input)).length > 0;
    if (byConditions !== want) add('error', `/examples/${i}`, `example "${ex.name}" expects ${ex.expect}, the conditions say ${byConditions ? 'match' : 'no-match'}`);
    if (pattern) {
      const byPattern = matchesRecord(pattern, ex.input);
      if (byPattern !== want) add('error', `/examples/${i}`, `example "${ex.name}" expects ${ex.expect}, the filter pattern says ${byPattern ? 'match' : 'no-match'}`);
    }
  }
  return problems;
}
