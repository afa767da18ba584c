import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Annotations } from 'cdktf';
import type { AlarmPlan } from '../alarm-plan';
import { eventPatternFor, UntranslatableRule } from '../eventbridge-pattern';
import { type BuildContext, json } from './context';

/**
 * Near-real-time notification for the most severe event rules: an EventBridge rule per event rule
 * (seconds, where the metric alarm needs a period). Rules whose conditions EventBridge cannot express
 * keep their alarm only, with a synth warning naming them.
 */
export function eventBridgeRules(ctx: BuildContext, plans: AlarmPlan[], topic: SnsTopic): CloudwatchEventRule[] {
  const { stack, config } = ctx;
  const wanted = plans.filter((p) => config.eventBridge.severities.includes(p.rule.severity));
  const rules: CloudwatchEventRule[] = [];
  for (const plan of wanted) {
    let pattern: Record<string, unknown>;
    try {
      pattern = eventPatternFor(plan.rule.conditions);
    } catch (e) {
      if (!(e instanceof UntranslatableRule)) throw e;
      Annotations.of(stack).addWarning(`rule ${plan.rule.id} (${plan.rule.sourcePath}) has no EventBridge rule: ${e.message}; its CloudWatch alarm still applies`);
      continue;
    }
    const rule = new CloudwatchEventRule(stack, `event_rule_${plan.logicalId}`, {
      name: `${config.namePrefix}-${plan.rule.id}`.slice(0, 64),
      description: plan.alarmDescription.slice(0, 512),
      eventPattern: json(pattern),
      state: 'ENABLED',
    });
    new CloudwatchEventTarget(stack, `event_target_${plan.logicalId}`, { rule: rule.name, arn: topic.arn, targetId: 'alarm-topic' });
    rules.push(rule);
  }
  return rules;
}
