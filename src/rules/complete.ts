import type { TopLevelCondition } from 'json-rules-engine';
import type { AlarmSettings, CloudWatchSpec, Rule, RuleDocument } from '../model/rule';
import { exprToConditions } from '../pattern/convert';
import { PatternSyntaxError } from '../pattern/errors';
import { parseFilterPattern } from '../pattern/parse';
import type { LoadedDefaults } from './defaults';
import { ExampleError, expandExamples } from './examples';

export interface Problem {
  pointer: string;
  message: string;
}

const ALARM_FIELDS = ['statistic', 'period', 'threshold', 'evaluationPeriods', 'comparisonOperator'] as const;

/** The rule's alarm: the pack's defaults with the rule's own settings over them. */
function alarmOf(doc: RuleDocument, pack: LoadedDefaults, problems: Problem[]): AlarmSettings {
  const alarm = { ...pack.defaults.alarm, ...doc.cloudwatch?.alarm };
  const missing = ALARM_FIELDS.filter((f) => alarm[f] === undefined);
  if (missing.length > 0) {
    problems.push({ pointer: '/cloudwatch/alarm', message: `no ${missing.join(', ')}: set by neither the rule nor the pack's ${pack.path}` });
  }
  return alarm as AlarmSettings;
}

/**
 * An event rule that leaves out `conditions` means exactly its filter pattern: the conditions
 * are derived from it, in the form a rule would write them.
 */
function conditionsFromPattern(filterPattern: string, problems: Problem[]): TopLevelCondition | undefined {
  const pointer = '/cloudwatch/filterPattern';
  let parsed;
  try {
    parsed = parseFilterPattern(filterPattern).pattern;
  } catch (e) {
    if (!(e instanceof PatternSyntaxError)) throw e;
    problems.push({ pointer, message: `filter pattern rejected (the rule's conditions are derived from it): ${e.message}` });
    return undefined;
  }
  if (parsed.kind !== 'json') {
    problems.push({ pointer, message: `an event rule needs a JSON filter pattern ({ … }) to derive its conditions from, this is a ${parsed.kind} pattern` });
    return undefined;
  }
  return exprToConditions(parsed.expr);
}

/**
 * A rule file as the engine reads it: examples expanded from their base events, and for an
 * event rule the alarm settings and (when the file leaves them out) the conditions filled in.
 */
export function completeRule(doc: RuleDocument, pack: LoadedDefaults): { rule: Omit<Rule, 'sourcePath'> } | { problems: Problem[] } {
  const problems: Problem[] = [];
  let examples: Rule['examples'] = [];
  try {
    examples = expandExamples(doc.examples, pack.baseEvents);
  } catch (e) {
    if (!(e instanceof ExampleError)) throw e;
    problems.push({ pointer: e.pointer, message: e.message });
  }
  let cloudwatch: CloudWatchSpec | undefined;
  if (doc.cloudwatch) cloudwatch = { ...doc.cloudwatch, alarm: alarmOf(doc, pack, problems) };
  let conditions = doc.conditions;
  if (!conditions && doc.target === 'event' && cloudwatch) conditions = conditionsFromPattern(cloudwatch.filterPattern, problems);
  if (problems.length > 0 || !conditions) return { problems };
  // The file's field order, with derived conditions where a rule writes them (after target).
  const rule: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    rule[k] = k === 'cloudwatch' ? cloudwatch : k === 'examples' ? examples : k === 'conditions' ? conditions : v;
    if (k === 'target') rule.conditions = conditions;
  }
  return { rule: rule as unknown as Omit<Rule, 'sourcePath'> };
}
