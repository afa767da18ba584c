import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule } from '../../../src/model/rule';
import { loadRulePack } from '../../../src/rules/load';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cached: Rule[] | undefined;
export function bundledRules(): Rule[] {
  cached ??= loadRulePack().rules;
  return cached;
}

/** The event rules that carry a CIS monitoring control: the chains a stack must deploy. */
export function cisEventRules(rules = bundledRules()): Rule[] {
  return rules.filter((r) => r.target === 'event' && r.cloudwatch && r.controls.some((c) => c.startsWith('cis-aws@')));
}

export function tfName(ruleId: string): string {
  return ruleId.replace(/-/g, '_');
}

function meta(stack: string, path: string, id: string) {
  return { metadata: { path: `${stack}/${path}`, uniqueId: id } };
}

/**
 * A hand-made cdktf stack (the shape `cdktf synth` writes) with every posture control satisfied:
 * tests break one link at a time.
 */
export function goodStack(stack = 'audit', rules = cisEventRules()): Json {
  const filters: Json = {};
  const alarms: Json = {};
  for (const r of rules) {
    const n = tfName(r.id);
    filters[n] = {
      name: r.id,
      pattern: r.cloudwatch!.filterPattern,
      log_group_name: '${aws_cloudwatch_log_group.trail_logs.name}',
      metric_transformation: { name: r.cloudwatch!.metricName, namespace: r.cloudwatch!.metricNamespace ?? 'CISBenchmark', value: '1' },
      '//': meta(stack, `monitoring/${r.id}/filter`, n),
    };
    alarms[n] = {
      alarm_name: `${r.id}-alarm`,
      metric_name: `\${aws_cloudwatch_log_metric_filter.${n}.metric_transformation[0].name}`,
      namespace: r.cloudwatch!.metricNamespace ?? 'CISBenchmark',
      statistic: 'Sum',
      period: 300,
      threshold: 1,
      evaluation_periods: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      alarm_actions: ['${aws_sns_topic.alarms.arn}'],
      '//': meta(stack, `monitoring/${r.id}/alarm`, `${n}_alarm`),
    };
  }
  return {
    '//': { metadata: { version: '0.21.0', stackName: stack, backend: 'local' }, outputs: {} },
    provider: { aws: [{ region: 'us-east-1' }] },
    terraform: { required_providers: { aws: { source: 'aws', version: '6.0.0' } } },
    data: {
      aws_iam_policy_document: {
        trail_bucket_policy: {
          statement: [
            { effect: 'Allow', principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }], actions: ['s3:PutObject'], resources: ['${aws_s3_bucket.trail_bucket.arn}/*'] },
            {
              effect: 'Deny',
              principals: [{ type: '*', identifiers: ['*'] }],
              actions: ['s3:*'],
              resources: ['${aws_s3_bucket.trail_bucket.arn}', '${aws_s3_bucket.trail_bucket.arn}/*'],
              condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
            },
          ],
        },
      },
    },
    resource: {
      aws_s3_bucket: {
        trail_bucket: { bucket: 'acme-trail-logs', '//': meta(stack, 'trail/bucket', 'trail_bucket') },
        access_logs: { bucket: 'acme-access-logs' },
      },
      aws_s3_bucket_logging: { trail_bucket_logging: { bucket: '${aws_s3_bucket.trail_bucket.id}', target_bucket: '${aws_s3_bucket.access_logs.id}', target_prefix: 'trail/' } },
      aws_s3_bucket_versioning: { trail_bucket_versioning: { bucket: '${aws_s3_bucket.trail_bucket.id}', versioning_configuration: { status: 'Enabled' } } },
      aws_s3_bucket_public_access_block: {
        trail_bucket_pab: { bucket: '${aws_s3_bucket.trail_bucket.id}', block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true },
      },
      aws_s3_bucket_policy: {
        trail_bucket_policy: { bucket: '${aws_s3_bucket.trail_bucket.id}', policy: '${data.aws_iam_policy_document.trail_bucket_policy.json}' },
        // a literal JSON policy, as hand-written stacks have it
        access_logs_policy: {
          bucket: '${aws_s3_bucket.access_logs.id}',
          policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: ['arn:aws:s3:::acme-access-logs/*'], Condition: { Bool: { 'aws:SecureTransport': false } } }] }),
        },
      },
      aws_kms_key: { trail_key: { description: 'audit trail key', enable_key_rotation: true } },
      aws_iam_role: { trail_cw_role: { name: 'audit-trail-to-cloudwatch', assume_role_policy: '{}' } },
      aws_cloudwatch_log_group: { trail_logs: { name: '/aws/cloudtrail/audit', retention_in_days: 365, kms_key_id: '${aws_kms_key.trail_key.arn}' } },
      aws_cloudtrail: {
        audit_trail: {
          name: 'audit',
          s3_bucket_name: '${aws_s3_bucket.trail_bucket.id}',
          is_multi_region_trail: true,
          enable_log_file_validation: true,
          kms_key_id: '${aws_kms_key.trail_key.arn}',
          cloud_watch_logs_group_arn: '${aws_cloudwatch_log_group.trail_logs.arn}:*',
          cloud_watch_logs_role_arn: '${aws_iam_role.trail_cw_role.arn}',
          event_selector: [{ read_write_type: 'All', include_management_events: true, data_resource: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }],
          '//': meta(stack, 'trail/trail', 'audit_trail'),
        },
      },
      aws_sns_topic: { alarms: { name: 'security-alarms', kms_master_key_id: 'alias/aws/sns' } },
      aws_sns_topic_subscription: { alarms_email: { topic_arn: '${aws_sns_topic.alarms.arn}', protocol: 'email', endpoint: 'security@example.com' } },
      aws_cloudwatch_log_metric_filter: filters,
      aws_cloudwatch_metric_alarm: alarms,
      aws_config_configuration_recorder: { recorder: { name: 'default', role_arn: '${aws_iam_role.trail_cw_role.arn}', recording_group: { all_supported: true, include_global_resource_types: true } } },
      aws_config_configuration_recorder_status: { recorder_status: { name: '${aws_config_configuration_recorder.recorder.name}', is_enabled: true } },
      aws_securityhub_account: { hub: {} },
      aws_vpc: { main: { cidr_block: '10.0.0.0/16' } },
      aws_flow_log: { main: { vpc_id: '${aws_vpc.main.id}', traffic_type: 'ALL', log_destination: '${aws_cloudwatch_log_group.trail_logs.arn}' } },
    },
  };
}

export function tmpDir(prefix = 'trailproof-posture-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write stacks as a cdktf.out directory (manifest + stacks/<name>/cdk.tf.json); returns its path. */
export function writeCdktfOut(stacks: Record<string, Json>, dir = tmpDir()): string {
  const out = join(dir, 'cdktf.out');
  const manifest: Json = { version: '0.21.0', stacks: {} };
  for (const [name, doc] of Object.entries(stacks)) {
    mkdirSync(join(out, 'stacks', name), { recursive: true });
    const rel = `stacks/${name}/cdk.tf.json`;
    writeFileSync(join(out, rel), JSON.stringify(doc, null, 2));
    manifest.stacks[name] = { name, constructPath: name, workingDirectory: `stacks/${name}`, synthesizedStackPath: rel, annotations: [], dependencies: [] };
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return out;
}

export function writeJson(doc: unknown, name = 'cdk.tf.json', dir = tmpDir()): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(doc, null, 2));
  return p;
}

export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
