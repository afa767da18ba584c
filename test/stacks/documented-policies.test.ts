import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StacksConfigInput } from '../../stacks/config';
import { ref, synth, type Json, type Synthesized } from './support';

/**
 * Every IAM, KMS, bucket and topic policy the stacks synthesize, checked statement by statement
 * against what AWS documents for that integration (test/stacks/aws-documented-policies.json,
 * each entry naming its page). The expectations come from AWS's pages, not from policies.ts: a
 * statement AWS does not document, or a condition key an integration does not support, fails here.
 */

interface DocumentedStatement {
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  narrowed?: { Principal?: unknown; Condition?: Record<string, Record<string, unknown>> | null; reason: string };
  note?: string;
}

interface DocumentedPolicy {
  policy: string;
  attribute: string;
  source: { title: string; url: string; says: string };
  forbiddenConditionKeys?: string[];
  statements: (DocumentedStatement | string)[];
  organizationStatements?: DocumentedStatement[];
  eventBridgeStatements?: DocumentedStatement[];
  /** Only synthesized with EventBridge in more than one region and a Kinesis target. */
  onlyWith?: 'eventBridgeRegions';
}

const DATA = JSON.parse(readFileSync(join(__dirname, 'aws-documented-policies.json'), 'utf8')) as {
  policies: DocumentedPolicy[];
  shared: Record<string, DocumentedStatement>;
};

type Values = Record<string, string | string[]>;

/** Replace {placeholders}; a string that is exactly one list-valued placeholder becomes that list. */
function fill(v: unknown, values: Values): unknown {
  if (typeof v === 'string') {
    const whole = /^\{(\w+)\}$/.exec(v);
    if (whole && Array.isArray(values[whole[1]])) return values[whole[1]];
    return v.replace(/\{(\w+)\}/g, (m, name: string) => {
      const x = values[name];
      if (x === undefined) throw new Error(`test data names {${name}}, which this configuration does not define`);
      if (Array.isArray(x)) throw new Error(`{${name}} is a list and cannot be part of a string`);
      return x;
    });
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, values));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, values)]));
  return v;
}

const set = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String)).sort();

/** One statement in a comparable form: Sid ignored, lists as sorted sets, condition keys case-insensitive. */
function normal(st: Json): string {
  const principal =
    st.Principal === undefined || st.Principal === '*'
      ? st.Principal
      : Object.fromEntries(Object.entries(st.Principal as Json).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, set(v)]));
  const condition = st.Condition
    ? Object.fromEntries(
        Object.entries(st.Condition as Json)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys as Json).map(([k, v]) => [k.toLowerCase(), set(v)]).sort(([a], [b]) => String(a).localeCompare(String(b))))]),
      )
    : undefined;
  return JSON.stringify({ Effect: st.Effect, Principal: principal, Action: set(st.Action), Resource: st.Resource === undefined ? undefined : set(st.Resource), Condition: condition });
}

/** The documented statement as the stacks are meant to write it: the page's form, with the recorded narrowing applied. */
function expected(d: DocumentedStatement | string, values: Values): Json {
  const st = typeof d === 'string' ? DATA.shared[d.replace(/[{}]/g, '')] : d;
  if (!st) throw new Error(`no shared statement ${String(d)}`);
  const { narrowed, note: _note, source: _source, ...rest } = st as DocumentedStatement & { source?: unknown };
  const out: Json = { ...rest };
  if (narrowed) {
    if (typeof narrowed.reason !== 'string' || narrowed.reason.length < 10) throw new Error('a narrowing needs its reason');
    if ('Principal' in narrowed) out.Principal = narrowed.Principal;
    if ('Condition' in narrowed) {
      if (narrowed.Condition === null) delete out.Condition;
      else out.Condition = narrowed.Condition;
    }
  }
  return fill(out, values) as Json;
}

function conditionKeys(st: Json): string[] {
  return Object.values((st.Condition ?? {}) as Json).flatMap((keys) => Object.keys(keys as Json).map((k) => k.toLowerCase()));
}

/** The bucket ARN a bucket policy protects: the `bucket` argument's reference, as its `arn`. */
function selfArn(s: Synthesized, type: string, name: string): string | undefined {
  const bucket = s.resource(type, name).bucket as string | undefined;
  return bucket?.replace(/\.id\}$/, '.arn}');
}

/** Check every documented policy present in the stack; returns the policies checked. */
function checkAgainstDocumentation(s: Synthesized, values: Values, o: { organization: boolean; eventBridge: boolean }): string[] {
  const checked: string[] = [];
  for (const p of DATA.policies) {
    const [type, name] = p.policy.split('.');
    if (!s.resources(type)[name]) continue;
    const local: Values = { ...values, self: selfArn(s, type, name) ?? '' };
    let documented = p.statements;
    if (o.organization && p.organizationStatements) {
      // Where the page gives an organization form of the same statements, it replaces them; otherwise it adds to them.
      const replaces = p.policy.startsWith('aws_iam_role_policy.');
      documented = replaces ? p.organizationStatements : [...documented, ...p.organizationStatements];
    }
    if (o.eventBridge && p.eventBridgeStatements) documented = [...documented, ...p.eventBridgeStatements];
    const want = documented.map((d) => expected(d, local));
    const got = JSON.parse(s.resource(type, name)[p.attribute]).Statement as Json[];
    const unmatched = got.filter((g) => !want.some((w) => normal(w) === normal(g)));
    const missing = want.filter((w) => !got.some((g) => normal(w) === normal(g)));
    expect({ policy: p.policy, source: p.source.url, notDocumented: unmatched, documentedButMissing: missing }).toEqual({
      policy: p.policy,
      source: p.source.url,
      notDocumented: [],
      documentedButMissing: [],
    });
    for (const g of got) {
      for (const k of p.forbiddenConditionKeys ?? []) expect({ policy: p.policy, keys: conditionKeys(g) }).toEqual({ policy: p.policy, keys: expect.not.arrayContaining([k.toLowerCase()]) });
    }
    checked.push(p.policy);
  }
  return checked;
}

const trailArn = (account: string, name: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`;

describe('every policy matches what AWS documents for the integration', () => {
  test('the test data names a page for every policy and every narrowing gives its reason', () => {
    for (const p of DATA.policies) {
      expect(p.source.title.length).toBeGreaterThan(10);
      expect(p.source.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//);
      for (const st of [...p.statements, ...(p.organizationStatements ?? []), ...(p.eventBridgeStatements ?? [])]) {
        if (typeof st !== 'string' && st.narrowed) expect(st.narrowed.reason.length).toBeGreaterThan(10);
      }
    }
  });

  test('default configuration', () => {
    const s = synth({ notifications: [{ protocol: 'email', endpoint: 'security@example.com' }] });
    try {
      const account = '${data.aws_caller_identity.current.account_id}';
      const audit = trailArn(account, 'trailproof-audit');
      const checked = checkAgainstDocumentation(
        s,
        {
          account,
          region: 'us-east-1',
          trailArns: [audit],
          auditBucketTrailArns: [audit],
          bucketArn: ref('aws_s3_bucket', 'audit_bucket', 'arn'),
          accessLogBucketArn: ref('aws_s3_bucket', 'access_log_bucket', 'arn'),
          loggedBucketArns: [ref('aws_s3_bucket', 'audit_bucket', 'arn')],
          logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:/aws/cloudtrail/trailproof-audit`,
          topicArn: ref('aws_sns_topic', 'alarm_topic', 'arn'),
          trailKeyArn: ref('aws_kms_key', 'trail_key', 'arn'),
        },
        { organization: false, eventBridge: false },
      );
      expect(checked.sort()).toEqual(DATA.policies.filter((p) => !p.onlyWith).map((p) => p.policy).sort());
    } finally {
      s.cleanup();
    }
  });

  test('organization trail, separate data-event trail, operations trail, EventBridge in two regions with a Kinesis target', () => {
    const account = '111122223333';
    const config: StacksConfigInput = {
      account,
      trail: { name: 'org-audit', organization: { enabled: true, organizationId: 'o-a1b2c3d4e5' }, dataEvents: { separateTrail: { name: 'org-data' } } },
      opsTrail: { enabled: true, name: 'org-ops' },
      regions: ['us-east-1', 'eu-west-1'],
      eventBridge: { enabled: true, targets: [{ type: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:111122223333:stream/security-events' }] },
      notifications: [{ protocol: 'email', endpoint: 'security@example.com' }],
    };
    const s = synth(config);
    try {
      const [audit, data, ops] = ['org-audit', 'org-data', 'org-ops'].map((n) => trailArn(account, n));
      const values: Values = {
        account,
        region: 'us-east-1',
        organizationId: 'o-a1b2c3d4e5',
        trailArns: [audit, data, ops],
        auditBucketTrailArns: [audit, data],
        bucketArn: ref('aws_s3_bucket', 'audit_bucket', 'arn'),
        accessLogBucketArn: ref('aws_s3_bucket', 'access_log_bucket', 'arn'),
        loggedBucketArns: [ref('aws_s3_bucket', 'audit_bucket', 'arn'), ref('aws_s3_bucket', 'operations_bucket', 'arn')],
        logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:/aws/cloudtrail/org-audit`,
        topicArn: ref('aws_sns_topic', 'alarm_topic', 'arn'),
        trailKeyArn: ref('aws_kms_key', 'trail_key', 'arn'),
        kinesisStreamArns: ['arn:aws:kinesis:us-east-1:111122223333:stream/security-events'],
      };
      const checked = checkAgainstDocumentation(s, values, { organization: true, eventBridge: true });
      expect(checked.sort()).toEqual(DATA.policies.map((p) => p.policy).sort());
      // The operations bucket takes the audit bucket's CloudTrail statements, for the operations trail only.
      const opsPolicy = JSON.parse(s.resource('aws_s3_bucket_policy', 'operations_bucket_policy').policy).Statement as Json[];
      const auditDoc = DATA.policies.find((p) => p.policy === 'aws_s3_bucket_policy.audit_bucket_policy') as DocumentedPolicy;
      const opsValues: Values = { ...values, bucketArn: ref('aws_s3_bucket', 'operations_bucket', 'arn'), self: ref('aws_s3_bucket', 'operations_bucket', 'arn'), auditBucketTrailArns: [ops] };
      const cloudTrailOnly = [...auditDoc.statements, ...(auditDoc.organizationStatements ?? [])].filter((d) => typeof d === 'string' || JSON.stringify(d.Principal).includes('cloudtrail'));
      expect(opsPolicy.map(normal).sort()).toEqual(cloudTrailOnly.map((d) => normal(expected(d, opsValues))).sort());
    } finally {
      s.cleanup();
    }
  });

  test('the check fails on a statement AWS does not document (the trust condition CloudTrail rejects)', () => {
    const s = synth({ notifications: [{ protocol: 'email', endpoint: 'security@example.com' }] });
    try {
      const role = s.resource('aws_iam_role', 'trail_logs_role');
      const trust = JSON.parse(role.assume_role_policy);
      trust.Statement[0].Condition = { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.current.account_id}' } };
      role.assume_role_policy = JSON.stringify(trust);
      const account = '${data.aws_caller_identity.current.account_id}';
      expect(() =>
        checkAgainstDocumentation(s, { account, region: 'us-east-1', trailArns: [], auditBucketTrailArns: [], bucketArn: '', accessLogBucketArn: '', loggedBucketArns: [], logGroupArn: '', topicArn: '', trailKeyArn: '' }, { organization: false, eventBridge: false }),
      ).toThrow(/trail_logs_role/);
    } finally {
      s.cleanup();
    }
  });
});
