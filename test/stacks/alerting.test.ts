import { join } from 'node:path';
import { ConfigError, resolveConfig } from '../../stacks/config';
import { FIXTURE_RULES, danglingReferences, ref, synth, type Json } from './support';
import { matchesDataEventsOnly } from '../../stacks/data-events';
import type { Rule } from '../../src/model/rule';

/**
 * The alarms and EventBridge rules alert for real once applied: recovery notifications, no alarm
 * that can never fire, EventBridge in every region API calls land in, and the target types users
 * route security events to.
 */
const DATA_EVENT_RULES = join(__dirname, 'fixtures', 'data-event-rules');
const TOPIC = ref('aws_sns_topic', 'alarm_topic', 'arn');

describe('alarm state actions', () => {
  test('recovery and insufficient-data notifications follow the configuration', () => {
    const s = synth({ alarms: { rulesDir: FIXTURE_RULES, okActions: false, insufficientDataActions: true } });
    try {
      const alarms = Object.entries(s.resources('aws_cloudwatch_metric_alarm')).filter(([n]) => n !== 'alarm_trail_delivery_stopped');
      expect(alarms.length).toBe(3);
      for (const [, a] of alarms) {
        expect(a.ok_actions).toBeUndefined();
        expect(a.insufficient_data_actions).toEqual([TOPIC]);
      }
      // The delivery-health alarm signals a stop through INSUFFICIENT_DATA, whatever the option says.
      const health = s.resource('aws_cloudwatch_metric_alarm', 'alarm_trail_delivery_stopped');
      expect(health.insufficient_data_actions).toEqual([TOPIC]);
      expect(health.ok_actions).toBeUndefined();
    } finally {
      s.cleanup();
    }
  });
});

describe('data-event rules with a separate data-event trail', () => {
  test('a rule matching only data events gets no alarm (it could never fire) and the synth says why', () => {
    const s = synth({ alarms: { rulesDir: DATA_EVENT_RULES }, trail: { dataEvents: { separateTrail: true } } });
    try {
      const names = Object.values(s.resources('aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
      expect(names.sort()).toEqual(['trailproof-fixture-cloudtrail-changes', 'trailproof-trail-delivery-stopped']);
      expect(Object.values(s.resources('aws_cloudwatch_log_metric_filter')).map((f) => f.name)).toEqual(['trailproof-fixture-cloudtrail-changes']);
      const warning = s.result.warnings.find((w) => w.includes('fixture-audit-log-object-deleted'));
      expect(warning).toMatch(/matches only data events.*separateTrail.*not deployed/);
    } finally {
      s.cleanup();
    }
  });

  test('with data events in the audit trail, the same rule keeps its alarm and nothing is said', () => {
    const s = synth({ alarms: { rulesDir: DATA_EVENT_RULES } });
    try {
      const names = Object.values(s.resources('aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
      expect(names).toContain('trailproof-fixture-audit-log-object-deleted');
      expect(s.result.warnings.filter((w) => w.includes('data events'))).toEqual([]);
    } finally {
      s.cleanup();
    }
  });
});

test('a rule whose names sit in an any of alternatives (not a top-level all) is still seen as data-events-only', () => {
  const rule = (conditions: unknown) => ({ conditions }) as unknown as Rule;
  const leaf = (name: string) => ({ fact: 'event', path: '$.eventName', operator: 'cwEquals', value: name });
  expect(matchesDataEventsOnly(rule({ any: [leaf('GetObject'), leaf('PutObject')] }))).toBe(true);
  expect(matchesDataEventsOnly(rule({ all: [{ any: [leaf('GetObject'), leaf('DeleteObject')] }] }))).toBe(true);
  expect(matchesDataEventsOnly(rule({ any: [leaf('GetObject'), leaf('PutBucketPolicy')] }))).toBe(false);
  expect(matchesDataEventsOnly(rule({ all: [{ fact: 'event', path: '$.eventCategory', operator: 'cwEquals', value: 'Data' }] }))).toBe(true);
});

describe('EventBridge in every region', () => {
  const config = {
    account: '111122223333',
    region: 'us-east-1',
    regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    alarms: { rulesDir: FIXTURE_RULES },
    eventBridge: {
      enabled: true,
      severities: ['critical' as const],
      targets: [
        { type: 'sqs' as const, arn: 'arn:aws:sqs:us-east-1:111122223333:security-events' },
        { type: 'lambda' as const, arn: 'arn:aws:lambda:us-east-1:111122223333:function:triage' },
        { type: 'kinesis' as const, arn: 'arn:aws:kinesis:us-east-1:111122223333:stream/security-events' },
        { type: 'sns' as const, arn: 'arn:aws:sns:us-east-1:111122223333:soc-pager' },
      ],
    },
  };

  test('each configured region has the rule; outside the home region it forwards to the home bus with a role', () => {
    const s = synth(config);
    try {
      const rules = s.resources('aws_cloudwatch_event_rule');
      expect(Object.keys(rules).sort()).toEqual([
        'event_rule_fixture_root_account_usage',
        'event_rule_fixture_root_account_usage_ap_southeast_2',
        'event_rule_fixture_root_account_usage_eu_west_1',
      ]);
      const home = rules.event_rule_fixture_root_account_usage;
      expect(home.region).toBeUndefined();
      for (const region of ['eu-west-1', 'ap-southeast-2']) {
        const sfx = region.replace(/-/g, '_');
        const copy = rules[`event_rule_fixture_root_account_usage_${sfx}`];
        expect(copy.region).toBe(region);
        expect(copy.event_pattern).toBe(home.event_pattern);
        const t = s.resource('aws_cloudwatch_event_target', `event_target_fixture_root_account_usage_${sfx}`);
        expect(t).toMatchObject({
          region,
          arn: 'arn:aws:events:us-east-1:111122223333:event-bus/default',
          role_arn: ref('aws_iam_role', 'events_forwarding_role', 'arn'),
          rule: ref('aws_cloudwatch_event_rule', `event_rule_fixture_root_account_usage_${sfx}`, 'name'),
        });
      }
      expect(JSON.parse(s.resource('aws_iam_role_policy', 'events_forwarding_role_policy').policy).Statement).toEqual([
        expect.objectContaining({ Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/default' }),
      ]);
      // Only home-region rules publish to the topic.
      const publish = (JSON.parse(s.resource('aws_sns_topic_policy', 'alarm_topic_policy').policy).Statement as Json[]).find((x) => x.Sid === 'EventBridgeRulesPublish');
      expect(publish?.Condition).toEqual({ ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111122223333:rule/*' } });
      expect(s.result.warnings.filter((w) => w.includes('us-east-1 only'))).toEqual([]);
      expect(danglingReferences(s.tf)).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  test('the home rule targets the topic and every configured SQS, Lambda, Kinesis and SNS target', () => {
    const s = synth(config);
    try {
      const targets = Object.values(s.resources('aws_cloudwatch_event_target')).filter((t) => t.rule === ref('aws_cloudwatch_event_rule', 'event_rule_fixture_root_account_usage', 'name'));
      expect(targets.map((t) => [t.target_id, t.arn, t.role_arn]).sort()).toEqual(
        [
          ['alarm-topic', TOPIC, undefined],
          ['sqs-0', 'arn:aws:sqs:us-east-1:111122223333:security-events', undefined],
          ['lambda-1', 'arn:aws:lambda:us-east-1:111122223333:function:triage', undefined],
          ['kinesis-2', 'arn:aws:kinesis:us-east-1:111122223333:stream/security-events', ref('aws_iam_role', 'events_kinesis_role', 'arn')],
          ['sns-3', 'arn:aws:sns:us-east-1:111122223333:soc-pager', undefined],
        ].sort(),
      );
      const permission = s.resource('aws_lambda_permission', 'event_target_fixture_root_account_usage_1_permission');
      expect(permission).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'events.amazonaws.com',
        function_name: 'arn:aws:lambda:us-east-1:111122223333:function:triage',
        source_arn: ref('aws_cloudwatch_event_rule', 'event_rule_fixture_root_account_usage', 'arn'),
      });
      expect(JSON.parse(s.resource('aws_iam_role_policy', 'events_kinesis_role_policy').policy).Statement).toEqual([
        expect.objectContaining({ Action: 'kinesis:PutRecord', Resource: ['arn:aws:kinesis:us-east-1:111122223333:stream/security-events'] }),
      ]);
    } finally {
      s.cleanup();
    }
  });

  test('without us-east-1 the synth warns that IAM, STS and sign-in events never reach the rules', () => {
    const s = synth({ region: 'eu-west-1', alarms: { rulesDir: FIXTURE_RULES }, eventBridge: { enabled: true } });
    try {
      expect(s.result.warnings.some((w) => w.includes('us-east-1 only'))).toBe(true);
      expect(s.resources('aws_iam_role').events_forwarding_role).toBeUndefined();
    } finally {
      s.cleanup();
    }
  });

  test.each([
    [{ region: 'us-east-1', eventBridge: { regions: ['eu-west-1'] } }, '/eventBridge/regions', 'must include the home region'],
    [{ eventBridge: { targets: [{ type: 'sqs', arn: 'arn:aws:lambda:us-east-1:111122223333:function:f' }] } }, '/eventBridge/targets/0/arn', 'is a lambda ARN, not sqs'],
    [{ eventBridge: { targets: [{ type: 'sqs', arn: 'arn:aws:sqs:eu-west-1:111122223333:q' }] } }, '/eventBridge/targets/0/arn', 'must be in the home region us-east-1'],
  ])('configuration error %#: %s', (input, pointer, message) => {
    try {
      resolveConfig(input);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([expect.objectContaining({ pointer, message: expect.stringContaining(message) })]);
    }
  });
});
