import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Annotations } from 'cdktf';
import type { AlarmPlan } from '../alarm-plan';
import { ruleCondition } from '../../src/semantics/condition-json';
import { eventPatternFor, UntranslatableRule } from '../eventbridge-pattern';
import { assumedBy, eventForwardingPolicy, eventKinesisPolicy } from '../policies';
import { type BuildContext, json } from './context';

/** `eu-west-1` -> `_eu_west_1`, for Terraform names of the copies outside the home region. */
const suffix = (region: string) => `_${region.replace(/-/g, '_')}`;

function serviceRole(ctx: BuildContext, id: string, description: string, policy: ReturnType<typeof eventForwardingPolicy>): IamRole {
  const { stack, config, policy: names } = ctx;
  const role = new IamRole(stack, id, {
    name: `${config.namePrefix}-${id.replace(/_/g, '-')}`,
    description,
    assumeRolePolicy: json(assumedBy('events.amazonaws.com', names, { sourceAccount: false })),
  });
  new IamRolePolicy(stack, `${id}_policy`, { name: id.replace(/_/g, '-'), role: role.id, policy: json(policy) });
  return role;
}

/**
 * Near-real-time notification for the most severe event rules: an EventBridge rule per event rule
 * (seconds, where the metric alarm needs a period). CloudTrail puts an API call on the event bus of
 * the region it was made in, so a rule in the home region alone misses every other region: each
 * configured region gets the rule, and outside the home region it forwards matching events to the
 * home region's default bus, where the home rule notifies the alarm topic and the configured
 * targets. Rules whose conditions EventBridge cannot express keep their alarm only, with a synth
 * warning naming them.
 */
export function eventBridgeRules(ctx: BuildContext, plans: AlarmPlan[], topic: SnsTopic): CloudwatchEventRule[] {
  const { stack, config, policy } = ctx;
  const eb = config.eventBridge;
  const home = config.region;
  const remote = eb.regions.filter((r) => r !== home);
  if (!eb.regions.includes('us-east-1')) {
    Annotations.of(stack).addWarning(
      'eventBridge.regions does not include us-east-1: CloudTrail delivers IAM, STS and console sign-in events to EventBridge in us-east-1 only, so EventBridge rules on them never match (their CloudWatch alarms still apply)',
    );
  }
  const homeBus = `arn:${config.partition}:events:${home}:${policy.account}:event-bus/default`;
  const forwarder = remote.length > 0 ? serviceRole(ctx, 'events_forwarding_role', `EventBridge rules in ${remote.join(', ')} forward to the ${home} default bus`, eventForwardingPolicy(homeBus)) : undefined;
  const streams = eb.targets.filter((t) => t.type === 'kinesis').map((t) => t.arn);
  const kinesisRole = streams.length > 0 ? serviceRole(ctx, 'events_kinesis_role', 'EventBridge security rules put matching events on the configured Kinesis streams', eventKinesisPolicy(streams)) : undefined;

  const rules: CloudwatchEventRule[] = [];
  for (const plan of plans.filter((p) => eb.severities.includes(p.rule.severity))) {
    let pattern: Record<string, unknown>;
    try {
      pattern = eventPatternFor(ruleCondition(plan.rule));
    } catch (e) {
      if (!(e instanceof UntranslatableRule)) throw e;
      Annotations.of(stack).addWarning(`rule ${plan.rule.id} (${plan.rule.sourcePath}) has no EventBridge rule: ${e.message}; its CloudWatch alarm still applies`);
      continue;
    }
    const id = plan.logicalId;
    const props = { name: `${config.namePrefix}-${plan.rule.id}`.slice(0, 64), description: plan.alarmDescription.slice(0, 512), eventPattern: json(pattern), state: 'ENABLED' };
    const rule = new CloudwatchEventRule(stack, `event_rule_${id}`, props);
    new CloudwatchEventTarget(stack, `event_target_${id}`, { rule: rule.name, arn: topic.arn, targetId: 'alarm-topic' });
    eb.targets.forEach((t, i) => {
      // SNS, SQS and Lambda targets take a resource policy (no role: EventBridge says a role there
      // can break delivery to KMS-encrypted queues and topics); Kinesis takes a role.
      new CloudwatchEventTarget(stack, `event_target_${id}_${i}_${t.type}`, {
        rule: rule.name,
        arn: t.arn,
        targetId: `${t.type}-${i}`,
        ...(t.type === 'kinesis' && kinesisRole ? { roleArn: kinesisRole.arn } : {}),
      });
      if (t.type === 'lambda') {
        new LambdaPermission(stack, `event_target_${id}_${i}_permission`, {
          action: 'lambda:InvokeFunction',
          functionName: t.arn,
          principal: 'events.amazonaws.com',
          sourceArn: rule.arn,
          statementId: `${config.namePrefix}-${plan.rule.id}`.slice(0, 100),
        });
      }
    });
    for (const region of remote) {
      const copy = new CloudwatchEventRule(stack, `event_rule_${id}${suffix(region)}`, { ...props, region });
      new CloudwatchEventTarget(stack, `event_target_${id}${suffix(region)}`, { region, rule: copy.name, arn: homeBus, targetId: 'home-region-bus', roleArn: forwarder?.arn });
    }
    rules.push(rule);
  }
  return rules;
}
