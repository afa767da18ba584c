import type { CloudWatchSpec, Rule, RulePack } from '../src/model/rule';
import { loadRulePack } from '../src/rules/load';
import type { StacksConfig } from './config';

/** CloudWatch Logs allows this many metric filters on one log group (a hard quota). */
const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;

/** One event rule turned into what the stack deploys: a metric filter and the alarm on its metric. */
export interface AlarmPlan {
  rule: Rule;
  /** Terraform-safe, stable across synths: derived from the rule id only. */
  logicalId: string;
  filterName: string;
  filterPattern: string;
  metricName: string;
  namespace: string;
  metricValue: string;
  alarmName: string;
  alarmDescription: string;
  alarm: Required<CloudWatchSpec['alarm']>;
}

export class RulePackError extends Error {
  constructor(
    readonly root: string,
    readonly problems: { path: string; pointer: string; message: string }[],
  ) {
    super(
      `the rule pack at ${root} cannot drive the alarms:\n${problems.map((p) => `  ${p.path}${p.pointer ? ` ${p.pointer}` : ''}: ${p.message}`).join('\n')}`,
    );
    this.name = 'RulePackError';
  }
}

/**
 * Every event rule with a `cloudwatch` block becomes one filter and one alarm, in rule-id order so
 * the synthesized JSON is stable. A rule file that fails to load fails the plan: deploying with a
 * silently missing alarm is worse than not deploying.
 */
function planAlarms(pack: RulePack, config: StacksConfig): AlarmPlan[] {
  if (pack.errors.length > 0) throw new RulePackError(pack.root, pack.errors);
  const rules = pack.rules.filter((r) => r.target === 'event' && r.cloudwatch).sort((a, b) => a.id.localeCompare(b.id));
  const problems: { path: string; pointer: string; message: string }[] = [];
  const metrics = new Map<string, Rule>();
  const plans: AlarmPlan[] = [];
  for (const rule of rules) {
    const cw = rule.cloudwatch as CloudWatchSpec;
    const namespace = cw.metricNamespace ?? config.alarms.namespace;
    const key = `${namespace}/${cw.metricName}`;
    const prior = metrics.get(key);
    if (prior) {
      problems.push({ path: rule.sourcePath, pointer: '/cloudwatch/metricName', message: `metric ${key} is already published by rule ${prior.id} (${prior.sourcePath})` });
      continue;
    }
    metrics.set(key, rule);
    plans.push({
      rule,
      logicalId: rule.id.replace(/-/g, '_'),
      filterName: `${config.namePrefix}-${rule.id}`,
      filterPattern: cw.filterPattern,
      metricName: cw.metricName,
      namespace,
      metricValue: cw.metricValue ?? '1',
      alarmName: `${config.namePrefix}-${rule.id}`,
      alarmDescription: describe(rule),
      alarm: { ...cw.alarm, treatMissingData: cw.alarm.treatMissingData ?? config.alarms.treatMissingData },
    });
  }
  if (plans.length > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
    problems.push({ path: pack.root, pointer: '', message: `${plans.length} event rules, but a log group takes at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP} metric filters` });
  }
  if (problems.length > 0) throw new RulePackError(pack.root, problems);
  return plans;
}

function describe(rule: Rule): string {
  const controls = rule.controls.length > 0 ? ` [${rule.controls.join(', ')}]` : '';
  const text = `${rule.title}${controls} (trailproof rule ${rule.id}, ${rule.severity})`;
  // CloudWatch caps alarm descriptions at 1024 characters.
  return text.length <= 1024 ? text : `${text.slice(0, 1021)}...`;
}

export function loadAlarmPlans(config: StacksConfig): AlarmPlan[] {
  return planAlarms(loadRulePack({ dir: config.alarms.rulesDir }), config);
}
