import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RulePackError } from '../../stacks/alarm-plan';
import { FIXTURE_RULES, ref, synth } from './support';

/** The alarm topology follows the rule pack: a rule file in, an alarm out, no stack code involved. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trailproof-rules-'));
  cpSync(FIXTURE_RULES, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function extraRule(id: string, metricName: string): Record<string, unknown> {
  const base = JSON.parse(readFileSync(join(FIXTURE_RULES, 'trail-changes.json'), 'utf8'));
  return {
    ...base,
    id,
    title: 'Access key created',
    conditions: { all: [{ fact: 'event', path: '$.eventName', operator: 'cwEquals', value: 'CreateAccessKey' }] },
    cloudwatch: {
      filterPattern: '{ $.eventName = "CreateAccessKey" }',
      metricName,
      alarm: { statistic: 'Sum', period: 60, threshold: 2, evaluationPeriods: 3, comparisonOperator: 'GreaterThanThreshold' },
    },
    examples: [{ name: 'created', input: { eventName: 'CreateAccessKey' }, expect: 'match' }],
  };
}

test('adding a rule file adds its filter, alarm and dashboard widget on the next synth', () => {
  const before = synth({ alarms: { rulesDir: dir } });
  const alarmsBefore = Object.keys(before.resources('aws_cloudwatch_metric_alarm'));
  before.cleanup();
  writeFileSync(join(dir, 'access-key-created.json'), JSON.stringify(extraRule('extra-access-key-created', 'AccessKeyCreated')));

  const after = synth({ alarms: { rulesDir: dir } });
  try {
    const added = Object.keys(after.resources('aws_cloudwatch_metric_alarm')).filter((k) => !alarmsBefore.includes(k));
    expect(added).toEqual(['alarm_extra_access_key_created']);
    const alarm = after.resource('aws_cloudwatch_metric_alarm', 'alarm_extra_access_key_created');
    expect([alarm.metric_name, alarm.namespace, alarm.period, alarm.threshold, alarm.evaluation_periods, alarm.comparison_operator]).toEqual([
      'AccessKeyCreated',
      'CISBenchmark',
      60,
      2,
      3,
      'GreaterThanThreshold',
    ]);
    expect(alarm.alarm_actions).toEqual([ref('aws_sns_topic', 'alarm_topic', 'arn')]);
    const filter = after.resource('aws_cloudwatch_log_metric_filter', 'filter_extra_access_key_created');
    expect(filter.pattern).toBe('{ $.eventName = "CreateAccessKey" }');
    expect(after.resource('aws_cloudwatch_dashboard', 'audit_dashboard').dashboard_body).toContain(ref('aws_cloudwatch_metric_alarm', 'alarm_extra_access_key_created', 'arn'));
  } finally {
    after.cleanup();
  }
});

test("the stack's alarms.treatMissingData reaches every bundled rule's alarm (none states its own)", () => {
  const s = synth({ alarms: { treatMissingData: 'breaching' } });
  try {
    const alarms = Object.entries(s.resources('aws_cloudwatch_metric_alarm')).filter(([k]) => k !== 'alarm_trail_delivery_stopped');
    expect(alarms.length).toBeGreaterThanOrEqual(30);
    expect(alarms.filter(([, a]) => a.treat_missing_data !== 'breaching').map(([k]) => k)).toEqual([]);
  } finally {
    s.cleanup();
  }
});

test('a rule that states treatMissingData keeps it over the stack default', () => {
  // unauthorized.json says "ignore"; trail-changes.json leaves it to the stack.
  const s = synth({ alarms: { rulesDir: dir, treatMissingData: 'breaching' } });
  try {
    expect(s.resource('aws_cloudwatch_metric_alarm', 'alarm_fixture_unauthorized_api_calls').treat_missing_data).toBe('ignore');
    expect(s.resource('aws_cloudwatch_metric_alarm', 'alarm_fixture_cloudtrail_changes').treat_missing_data).toBe('breaching');
  } finally {
    s.cleanup();
  }
});

test('resource and account rules get no alarm', () => {
  writeFileSync(
    join(dir, 'resource-rule.json'),
    JSON.stringify({
      ...JSON.parse(readFileSync(join(FIXTURE_RULES, 'trail-changes.json'), 'utf8')),
      id: 'fixture-resource-rule',
      target: 'resource',
      resourceType: 'aws_cloudtrail',
      conditions: { all: [{ fact: 'resource', path: '$.isMultiRegionTrail', operator: 'equal', value: true }] },
      cloudwatch: undefined,
      examples: [],
    }),
  );
  const s = synth({ alarms: { rulesDir: dir } });
  try {
    expect(Object.keys(s.resources('aws_cloudwatch_log_metric_filter'))).toHaveLength(3);
  } finally {
    s.cleanup();
  }
});

test('a broken rule file fails the synth, naming the file and the place', () => {
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...extraRule('extra-broken', 'Broken'), severity: 'urgent' }));
  expect(() => synth({ alarms: { rulesDir: dir } })).toThrow(RulePackError);
  expect(() => synth({ alarms: { rulesDir: dir } })).toThrow(/broken\.json \/severity: .*critical/);
});

test('two rules publishing the same metric fail the synth instead of sharing an alarm', () => {
  writeFileSync(join(dir, 'dupe.json'), JSON.stringify(extraRule('extra-dupe', 'RootAccountUsage')));
  let message = '';
  try {
    synth({ alarms: { rulesDir: dir } });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(/\/cloudwatch\/metricName: metric CISBenchmark\/RootAccountUsage is already published by rule/);
  expect(message).toContain('dupe.json');
  expect(message).toContain('root-usage.json');
});

test('more event rules than a log group takes metric filters fail the synth', () => {
  for (let i = 0; i < 98; i++) writeFileSync(join(dir, `many-${i}.json`), JSON.stringify(extraRule(`extra-many-${i}`, `Many${i}`)));
  expect(() => synth({ alarms: { rulesDir: dir } })).toThrow(/101 event rules, but a log group takes at most 100 metric filters/);
});

test('a missing rules directory fails the synth', () => {
  expect(() => synth({ alarms: { rulesDir: join(dir, 'nope') } })).toThrow(/cannot read rules directory/);
});
