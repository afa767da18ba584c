import type { Finding } from '../../src/model/finding';
import { scanPosture } from '../../src/scan/scan-posture';
import { type Json, bundledRules, cisEventRules, clone, goodStack, tfName, writeCdktfOut, writeJson } from './support/stack';

const ROOT = 'cis-root-account-usage';
const TRAIL_CHANGES = 'cis-cloudtrail-config-changes';

async function scanStack(doc: Json): Promise<Finding[]> {
  return (await scanPosture({ terraform: [writeJson(doc)], rules: bundledRules() })).findings;
}

function chain(findings: Finding[], eventRule: string): Finding {
  const f = findings.filter((x) => x.ruleId === `cis-monitoring-chain/${eventRule}`);
  expect(f).toHaveLength(1);
  return f[0];
}

function one(findings: Finding[], ruleId: string): Finding {
  const f = findings.filter((x) => x.ruleId === ruleId);
  expect(f).toHaveLength(1);
  return f[0];
}

describe('CIS monitoring chain on cdktf Terraform JSON', () => {
  test('a complete stack passes every chain, with the evidence of each link', async () => {
    const findings = await scanStack(goodStack());
    const rules = cisEventRules();
    expect(rules.length).toBeGreaterThanOrEqual(14);
    for (const r of rules) {
      const f = chain(findings, r.id);
      expect(f.status).toBe('pass');
      // a version that prescribes another pattern is judged in a finding of its own
      const all = findings.filter((x) => x.ruleId === f.ruleId || x.ruleId.startsWith(`${f.ruleId}@`));
      expect(all.every((x) => x.status === 'pass')).toBe(true);
      expect(all.flatMap((x) => x.controls)).toEqual(expect.arrayContaining(r.controls.filter((c) => c.startsWith('cis-aws@'))));
      expect(f.evidence).toMatchObject({
        brokenAt: null,
        trail: 'aws_cloudtrail.audit_trail',
        logGroup: '/aws/cloudtrail/audit',
        metricFilter: `aws_cloudwatch_log_metric_filter.${tfName(r.id)}`,
        patternRelation: 'equivalent',
        alarm: `aws_cloudwatch_metric_alarm.${tfName(r.id)}`,
        actionsEnabled: true,
        topic: 'aws_sns_topic.alarms',
        confirmedSubscriptions: 1,
      });
      expect(f.subject).toMatchObject({ kind: 'account', stack: 'audit' });
    }
  });

  test('filter on another log group: fails at the metric filter and says where the filter is', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_group.other = { name: '/app/logs', retention_in_days: 30 };
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(ROOT)].log_group_name = '${aws_cloudwatch_log_group.other.name}';
    const f = chain(await scanStack(doc), ROOT);
    expect(f.status).toBe('fail');
    expect(f.evidence.brokenAt).toBe('metric-filter');
    expect(f.message).toContain('no metric filter on log group /aws/cloudtrail/audit');
    expect(f.message).toContain('on log group /app/logs');
    expect(chain(await scanStack(doc), TRAIL_CHANGES).status).toBe('pass');
  });

  test('alarm on another metric name: fails at the alarm', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_metric_alarm[tfName(ROOT)].metric_name = 'SomethingElse';
    const f = chain(await scanStack(doc), ROOT);
    expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'alarm']);
    expect(f.message).toMatch(/no alarm watches metric CISBenchmark\/root_usage_metric/);
  });

  test('alarm in another namespace: fails at the alarm and names the near miss', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_metric_alarm[tfName(ROOT)].namespace = 'LogMetrics';
    const f = chain(await scanStack(doc), ROOT);
    expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'alarm']);
    expect(f.message).toContain('watches LogMetrics/root_usage_metric');
  });

  test('alarm actions disabled: fails at the alarm', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_metric_alarm[tfName(ROOT)].actions_enabled = false;
    const f = chain(await scanStack(doc), ROOT);
    expect([f.status, f.evidence.brokenAt, f.evidence.actionsEnabled]).toEqual(['fail', 'alarm', false]);
    expect(f.message).toContain('actions disabled');
  });

  test('topic without a subscription: every chain fails at the topic', async () => {
    const doc = goodStack();
    delete doc.resource.aws_sns_topic_subscription;
    const findings = await scanStack(doc);
    for (const r of cisEventRules()) {
      const f = chain(findings, r.id);
      expect([f.status, f.evidence.brokenAt, f.evidence.confirmedSubscriptions]).toEqual(['fail', 'topic', 0]);
    }
  });

  test('alarm without any SNS action fails at the topic', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_metric_alarm[tfName(ROOT)].alarm_actions = [];
    const f = chain(await scanStack(doc), ROOT);
    expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'topic']);
    expect(f.message).toContain('notifies no SNS topic');
  });

  test('pattern missing an OR clause fails and names the missing clause', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(TRAIL_CHANGES)].pattern =
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }';
    const f = chain(await scanStack(doc), TRAIL_CHANGES);
    expect([f.status, f.evidence.brokenAt, f.evidence.patternRelation]).toEqual(['fail', 'metric-filter', 'narrower-or-different']);
    expect(f.message).toContain('StopLogging');
    expect(JSON.stringify(f.evidence.missingClauses)).toContain('StopLogging');
  });

  test('pattern missing an AND clause matches more: accepted, and the result says so', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(ROOT)].pattern = '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }';
    const f = chain(await scanStack(doc), ROOT);
    expect([f.status, f.evidence.patternRelation]).toEqual(['pass', 'broader']);
    expect(f.message).toContain('broader than the control pattern');
  });

  test('a broader pattern is refused when the chain rule says so', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(ROOT)].pattern = '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }';
    const rules = bundledRules().map((r) => (r.id === 'cis-monitoring-chain' ? { ...r, check: { ...r.check, acceptBroader: false } } : r));
    const { findings } = await scanPosture({ terraform: [writeJson(doc)], rules });
    const f = chain(findings, ROOT);
    expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'metric-filter']);
  });

  test('pattern reformatted (quotes, spacing, clause order, parentheses) is equivalent', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(TRAIL_CHANGES)].pattern =
      '{($.eventName=StopLogging)||((($.eventName="StartLogging")))||($.eventName = DeleteTrail)||\n  ($.eventName=UpdateTrail)||($.eventName="CreateTrail")}';
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(ROOT)].pattern = '{$.eventType!="AwsServiceEvent"&&$.userIdentity.invokedBy NOT EXISTS&&$.userIdentity.type=Root}';
    const findings = await scanStack(doc);
    for (const id of [TRAIL_CHANGES, ROOT]) {
      const f = chain(findings, id);
      expect([f.status, f.evidence.patternRelation]).toEqual(['pass', 'equivalent']);
    }
  });

  test('CIS 4.2 SSO-friendly variant (what Security Hub requires) is accepted, and says which variant', async () => {
    const MFA = 'cis-console-signin-without-mfa';
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(MFA)].pattern =
      '{($.eventName="ConsoleLogin")&&($.additionalEventData.MFAUsed!="Yes")&&($.userIdentity.type="IAMUser")&&($.responseElements.ConsoleLogin="Success")}';
    const f = chain(await scanStack(doc), MFA);
    expect([f.status, f.evidence.patternRelation, f.evidence.variantRelation]).toEqual(['pass', 'narrower-or-different', 'equivalent']);
    expect(f.message).toContain('accepted variant');
    // narrower than the variant too (no MFA clause at all): fails
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(MFA)].pattern = '{ ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") && ($.sourceIPAddress = "10.0.0.1") }';
    expect(chain(await scanStack(doc), MFA).status).toBe('fail');
  });

  test('a pattern that does not parse fails at the metric filter with the parse error', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudwatch_log_metric_filter[tfName(ROOT)].pattern = '{ $.userIdentity.type = "Root" && ';
    const f = chain(await scanStack(doc), ROOT);
    expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'metric-filter']);
    expect(f.message).toContain('does not parse');
  });

  test('single-region or stopped trail breaks every chain at the trail, and 3.1 fails', async () => {
    for (const change of [{ is_multi_region_trail: false }, { enable_logging: false }]) {
      const doc = goodStack();
      Object.assign(doc.resource.aws_cloudtrail.audit_trail, change);
      const findings = await scanStack(doc);
      const f = chain(findings, ROOT);
      expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'trail']);
      expect(one(findings, 'cis-cloudtrail-multi-region-logging').status).toBe('fail');
    }
  });

  test('trail without CloudWatch Logs: chain fails at the trail, v1.4 3.4 fails', async () => {
    const doc = goodStack();
    delete doc.resource.aws_cloudtrail.audit_trail.cloud_watch_logs_group_arn;
    const findings = await scanStack(doc);
    expect(chain(findings, ROOT).message).toContain('sends no logs to CloudWatch Logs');
    expect(one(findings, 'cis-cloudtrail-cloudwatch-logs').status).toBe('fail');
  });

  test('a trail that only logs write events does not start a chain', async () => {
    const doc = goodStack();
    doc.resource.aws_cloudtrail.audit_trail.event_selector = [{ read_write_type: 'WriteOnly', include_management_events: true }];
    const findings = await scanStack(doc);
    expect(chain(findings, ROOT).message).toContain('does not record read management events');
    expect(one(findings, 'cis-s3-object-level-read-logging').status).toBe('fail');
  });

  test('literal ARNs and names resolve like references', async () => {
    const doc = goodStack();
    const t = doc.resource.aws_cloudtrail.audit_trail;
    t.cloud_watch_logs_group_arn = 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/cloudtrail/audit:*';
    t.s3_bucket_name = 'acme-trail-logs';
    for (const a of Object.values(doc.resource.aws_cloudwatch_metric_alarm) as Json[]) a.alarm_actions = ['arn:aws:sns:us-east-1:111122223333:security-alarms'];
    doc.resource.aws_sns_topic_subscription.alarms_email.topic_arn = 'arn:aws:sns:us-east-1:111122223333:security-alarms';
    const findings = await scanStack(doc);
    expect(chain(findings, ROOT).status).toBe('pass');
    expect(one(findings, 'cis-cloudtrail-bucket-access-logging').status).toBe('pass');
  });
});

describe('Terraform sources', () => {
  test('a cdktf.out directory: one context per stack, subjects carry stack, address, construct path and source', async () => {
    const broken = goodStack('prod');
    broken.resource.aws_cloudtrail.audit_trail.enable_log_file_validation = false;
    const out = writeCdktfOut({ audit: goodStack('audit'), prod: broken });
    const r = await scanPosture({ terraform: [out], rules: bundledRules() });
    expect(r.inputs.map((i) => [i.kind, i.status])).toEqual([
      ['terraform-json', 'processed'],
      ['terraform-json', 'processed'],
    ]);
    const validation = r.findings.filter((f) => f.ruleId === 'cis-cloudtrail-log-file-validation');
    expect(validation.map((f) => [f.subject.kind === 'resource' && f.subject.stack, f.status]).sort()).toEqual([
      ['audit', 'pass'],
      ['prod', 'fail'],
    ]);
    const prod = validation.find((f) => f.status === 'fail')!;
    expect(prod.subject).toMatchObject({
      kind: 'resource',
      resourceType: 'AWS::CloudTrail::Trail',
      resourceId: 'audit',
      resourceName: 'audit',
      address: 'aws_cloudtrail.audit_trail',
      constructPath: 'prod/trail/trail',
      source: { path: expect.stringMatching(/stacks\/prod\/cdk\.tf\.json$/), pointer: '/resource/aws_cloudtrail/audit_trail', line: expect.any(Number) },
    });
    expect(prod.evidence).toEqual({ '$.logFileValidation': false });
    const ids = new Set(r.findings.map((f) => f.id));
    expect(ids.size).toBe(r.findings.length);
  });

  test('the JSON pointer line is the line that opens the resource', async () => {
    const path = writeJson(goodStack());
    const r = await scanPosture({ terraform: [path], rules: bundledRules() });
    const f = r.findings.find((x) => x.ruleId === 'cis-cloudtrail-log-file-validation')!;
    const lines = require('node:fs').readFileSync(path, 'utf8').split('\n') as string[];
    const line = (f.subject as { source: { line: number } }).source.line;
    expect(lines[line - 1]).toContain('"audit_trail": {');
  });

  test('a `terraform show -json` plan: values unknown until apply come from configuration references', async () => {
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.0',
      planned_values: {
        root_module: {
          resources: [
            { address: 'aws_cloudwatch_log_group.trail', mode: 'managed', type: 'aws_cloudwatch_log_group', name: 'trail', values: { name: 'trail-logs', retention_in_days: 7, kms_key_id: null } },
            {
              address: 'aws_cloudtrail.main',
              mode: 'managed',
              type: 'aws_cloudtrail',
              name: 'main',
              values: { name: 'main', is_multi_region_trail: true, enable_logging: true, enable_log_file_validation: false, kms_key_id: null, s3_bucket_name: 'b', event_selector: [] },
            },
          ],
          child_modules: [
            {
              address: 'module.alerts',
              resources: [{ address: 'module.alerts.aws_sns_topic.t', mode: 'managed', type: 'aws_sns_topic', name: 't', values: { name: 'alerts', kms_master_key_id: null } }],
            },
          ],
        },
      },
      configuration: {
        provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } },
        root_module: {
          resources: [
            { address: 'aws_cloudtrail.main', type: 'aws_cloudtrail', name: 'main', expressions: { cloud_watch_logs_group_arn: { references: ['aws_cloudwatch_log_group.trail.arn', 'aws_cloudwatch_log_group.trail'] } } },
          ],
        },
      },
    };
    const r = await scanPosture({ terraform: [writeJson(plan, 'plan.json')], rules: bundledRules() });
    expect(r.inputs[0]).toMatchObject({ kind: 'terraform-plan', status: 'processed', records: 3 });
    expect(one(r.findings, 'cis-cloudtrail-cloudwatch-logs').status).toBe('pass');
    expect(one(r.findings, 'cis-cloudtrail-log-file-validation')).toMatchObject({
      status: 'fail',
      subject: { address: 'aws_cloudtrail.main', region: 'eu-west-1', stack: 'plan', source: { pointer: '/planned_values/root_module/resources/1' } },
    });
    expect(one(r.findings, 'log-group-retention').status).toBe('fail');
    const topic = one(r.findings, 'sns-topic-kms-encryption');
    expect(topic.subject).toMatchObject({ address: 'module.alerts.aws_sns_topic.t', source: { pointer: '/planned_values/root_module/child_modules/0/resources/0' } });
    expect(r.model.resources.find((x) => x.origin.address === 'aws_cloudtrail.main')?.relations.logGroup).toHaveLength(1);
  });

  test('malformed Terraform input is reported with file and place, and the rest is scanned', async () => {
    const bad = writeJson({}, 'broken.tf.json');
    require('node:fs').writeFileSync(bad, '{\n  "resource": {\n    "aws_cloudtrail": { "x": { "name": "x", }\n  }\n}\n');
    const notTf = writeJson({ hello: 'world' }, 'other.json');
    const good = writeJson(goodStack());
    const r = await scanPosture({ terraform: [bad, notTf, good, '/nonexistent/path.tf.json'], rules: bundledRules() });
    expect(r.inputs.map((i) => i.status)).toEqual(['error', 'error', 'processed', 'error']);
    expect(r.inputs[0].reason).toMatch(/invalid JSON: .* line 3 column/);
    expect(r.inputs[1].reason).toMatch(/neither Terraform JSON/);
    expect(chain(r.findings, ROOT).status).toBe('pass');
  });

  test('resources of types no rule reads are accounted for as skipped', async () => {
    const doc = clone(goodStack());
    doc.resource.aws_iam_user = { alice: { name: 'alice' }, bob: { name: 'bob' } };
    const r = await scanPosture({ terraform: [writeJson(doc)], rules: bundledRules() });
    expect(r.inputs[0].skippedRecords).toEqual([{ count: 2, reason: 'resource type not used by posture rules', first: 'aws_iam_user' }]);
  });
});
