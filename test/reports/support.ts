import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDocument } from '../../src/findings/document';
import { eventFinding } from '../../src/findings/event-finding';
import { findingId } from '../../src/util/finding-id';
import type { ControlCatalogue } from '../../src/model/control';
import type { CloudTrailRecord } from '../../src/model/event';
import type { Finding, FindingsDocument, ResourceSubject } from '../../src/model/finding';
import type { InputRecord } from '../../src/model/input';
import type { Rule, RulePack } from '../../src/model/rule';
import type { Severity } from '../../src/model/severity';
import { DATASETS } from '../support/paths';

export const STRATUS = join(DATASETS, 'stratus-red-team', 'detonation-logs');

/** Strings an attacker can put in an event field (userAgent, session name, request parameters). */
export const HOSTILE = {
  html: '<script>console.error("xss-html")</script><img src=x onerror="console.error(1)"><b>bold</b>&amp;',
  markdown: '| a | b |\n# h1 [click](https://evil.example) ![i](https://evil.example/i.png) @octocat <!-- x --> `tick` ``two`` *em* _u_ https://evil.example www.evil.example <details>',
  csv: '=HYPERLINK("https://evil.example","x")',
  terminal: '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007\u001b[31mred\u001b[0m\rover\u202eevil\u0000',
  xml: ']]></failure><testcase name="fake"/><![CDATA[ \u0001 \ud800 &lt;',
};
export const HOSTILE_ALL = Object.values(HOSTILE).join(' ');

function rule(id: string, severity: Severity, controls: string[], eventNames: string[], target: Rule['target'] = 'event'): Rule {
  return {
    id,
    title: `Test ${id.replace(/-/g, ' ')}`,
    description: `Test rule ${id} for the reports layer.`,
    severity,
    rationale: `Rationale of ${id}: attackers do this.`,
    remediation: `Remediate ${id}: review the call and the principal.`,
    references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/'],
    controls,
    target,
    conditions: {
      any: eventNames.map((n) => ({ fact: 'event', path: '$.eventName', operator: 'cwEquals', value: n })),
    },
    examples: [],
    sourcePath: `rules/test/${id}.json`,
  } as Rule;
}

export const RULES: Rule[] = [
  rule('test-cloudtrail-tampering', 'high', ['cis-aws@3.0.0:4.5', 'cis-aws@5.0.0:4.5', 'nist-800-53@r5:AU-6'], ['StopLogging', 'DeleteTrail', 'PutEventSelectors']),
  rule('test-console-login-no-mfa', 'medium', ['cis-aws@3.0.0:4.2', 'cis-aws@5.0.0:4.2'], ['ConsoleLogin']),
  rule('test-iam-changes', 'low', ['cis-aws@3.0.0:4.4'], ['CreateUser', 'AttachUserPolicy', 'CreateLoginProfile', 'UpdateLoginProfile', 'CreateAccessKey']),
  rule('test-root-usage', 'critical', ['cis-aws@3.0.0:4.3'], ['NoSuchEventNameEver']),
  rule('test-trail-multiregion', 'high', ['cis-aws@3.0.0:3.1'], [], 'resource'),
  rule('test-unmapped', 'info', [], ['GetPasswordData']),
];

export const CATALOGUES: ControlCatalogue[] = [
  {
    framework: 'cis-aws',
    version: '3.0.0',
    title: 'CIS AWS Foundations Benchmark v3.0.0',
    source: 'test',
    controls: [
      { id: '3.1', title: 'Ensure CloudTrail is enabled in all regions', section: '3 Logging', level: 'L1', assessment: 'automated' },
      { id: '4.1', title: 'Ensure unauthorized API calls are monitored', section: '4 Monitoring', level: 'L1', assessment: 'automated' },
      { id: '4.2', title: 'Ensure management console sign-in without MFA is monitored', section: '4 Monitoring', level: 'L1', assessment: 'automated' },
      { id: '4.3', title: 'Ensure usage of the root account is monitored', section: '4 Monitoring', level: 'L1', assessment: 'automated' },
      { id: '4.4', title: 'Ensure IAM policy changes are monitored', section: '4 Monitoring', level: 'L1', assessment: 'automated' },
      { id: '4.5', title: 'Ensure CloudTrail configuration changes are monitored', section: '4 Monitoring', level: 'L1', assessment: 'automated' },
    ],
  },
  {
    framework: 'cis-aws',
    version: '5.0.0',
    title: 'CIS AWS Foundations Benchmark v5.0.0',
    source: 'test',
    controls: [
      { id: '4.2', title: 'Ensure management console sign-in without MFA is monitored', section: '4 Monitoring', level: 'L1', assessment: 'manual' },
      { id: '4.5', title: 'Ensure CloudTrail configuration changes are monitored', section: '4 Monitoring', level: 'L1', assessment: 'manual' },
      { id: '4.16', title: 'Ensure AWS Security Hub is enabled', section: '4 Monitoring', level: 'L2', assessment: 'automated' },
    ],
  },
];

export const STRATUS_FILES = [
  'aws.defense-evasion.cloudtrail-stop.json',
  'aws.defense-evasion.cloudtrail-delete.json',
  'aws.defense-evasion.cloudtrail-event-selectors.json',
  'aws.initial-access.console-login-without-mfa.json',
  'aws.persistence.iam-create-admin-user.json',
  'aws.persistence.iam-create-user-login-profile.json',
  'aws.credential-access.ec2-get-password-data.json',
];

export function readEvents(file: string): CloudTrailRecord[] {
  return JSON.parse(readFileSync(join(STRATUS, file), 'utf8')) as CloudTrailRecord[];
}

function packOf(rules: Rule[]): RulePack {
  const sha256 = createHash('sha256')
    .update(rules.map((r) => r.id).join('\n'))
    .digest('hex');
  return { rules, errors: [], sha256, root: 'rules' };
}

export interface BuildOptions {
  files?: string[];
  /** Rewrite each event before judging it (to plant hostile strings). */
  mutate?: (r: CloudTrailRecord, file: string, index: number) => CloudTrailRecord;
  /** Extra findings (resource subjects and the like). */
  extra?: Finding[];
  extraInputs?: InputRecord[];
  rules?: Rule[];
}

/**
 * A findings document from real Stratus events: each test rule fires on the events whose
 * eventName it lists. Matching is the scan's job and is tested there; here it only has to give
 * the reports real subjects, real evidence and real input hashes.
 */
export function stratusDocument(opts: BuildOptions = {}): FindingsDocument {
  const rules = opts.rules ?? RULES;
  const files = opts.files ?? STRATUS_FILES;
  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  let events = 0;
  for (const file of files) {
    const path = join(STRATUS, file);
    const bytes = readFileSync(path);
    const records = readEvents(file);
    inputs.push({ path, kind: 'json-array', status: 'processed', records: records.length, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    records.forEach((raw, index) => {
      const record = opts.mutate ? opts.mutate(raw, file, index) : raw;
      events++;
      for (const r of rules) {
        if (r.target !== 'event') continue;
        const names = ((r.conditions as { any: { value: string }[] }).any ?? []).map((c) => c.value);
        if (typeof record.eventName === 'string' && names.includes(record.eventName)) {
          findings.push(eventFinding(r, { record, location: { path, index } }));
        }
      }
    });
  }
  inputs.push(...(opts.extraInputs ?? []));
  findings.push(...(opts.extra ?? []));
  return buildDocument({
    pack: packOf(rules),
    startedAt: new Date('2026-11-25T10:00:00Z'),
    finishedAt: new Date('2026-11-25T10:00:02Z'),
    inputs,
    findings,
    events,
    duplicateEventsIgnored: 0,
  });
}

/** A resource finding as the IaC scan of a cdk.tf.json would give it. */
export function resourceFinding(opts: {
  status?: Finding['status'];
  name?: string;
  line?: number;
  path?: string;
  constructPath?: string;
  stack?: string;
  ruleId?: string;
}): Finding {
  const name = opts.name ?? 'audit';
  const subject: ResourceSubject = {
    kind: 'resource',
    resourceType: 'aws_cloudtrail',
    resourceId: name,
    resourceName: name,
    arn: null,
    account: '123456789012',
    region: 'us-east-1',
    stack: opts.stack ?? 'audit-stack',
    address: `aws_cloudtrail.${name}`,
    constructPath: opts.constructPath ?? `audit-stack/${name}`,
    source: { path: opts.path ?? 'cdktf.out/stacks/audit-stack/cdk.tf.json', pointer: `/resource/aws_cloudtrail/${name}`, line: opts.line ?? 42 },
  };
  const ruleId = opts.ruleId ?? 'test-trail-multiregion';
  const status = opts.status ?? 'fail';
  return {
    id: findingId(ruleId, subject),
    ruleId,
    title: 'Test trail multiregion',
    severity: 'high',
    status,
    controls: ['cis-aws@3.0.0:3.1'],
    subject,
    message: `Trail ${name} ${status === 'pass' ? 'is' : 'is not'} multi-region`,
    evidence: { is_multi_region_trail: status === 'pass' },
    remediation: 'Set is_multi_region_trail = true.',
  };
}

/** Plant every hostile string in the fields reports show: principal, user agent, names, parameters. */
export function hostileMutation(r: CloudTrailRecord): CloudTrailRecord {
  return {
    ...r,
    userAgent: HOSTILE_ALL,
    sourceIPAddress: HOSTILE.csv,
    userIdentity: { ...(r.userIdentity ?? {}), arn: `arn:aws:iam::123456789012:user/${HOSTILE_ALL}` },
    requestParameters: { name: HOSTILE_ALL },
  };
}
