import type { Finding } from '../model/finding';
import { parseControlRef } from '../model/control';
import type { Severity } from '../model/severity';

/**
 * A finding in the AWS Security Finding Format, for BatchImportFindings. Written from
 * https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html and the
 * AwsSecurityFinding API reference; the limits below are the ones those pages state.
 */
export interface AsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: AsffSeverity; Original: string };
  FindingProviderFields: { Severity: { Label: AsffSeverity; Original: string }; Types: string[] };
  Title: string;
  Description: string;
  Remediation?: { Recommendation: { Text: string } };
  ProductFields: Record<string, string>;
  Resources: { Type: string; Id: string; Partition: string; Region: string; Details?: { Other: Record<string, string> } }[];
  Compliance: { Status: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE'; RelatedRequirements?: string[] };
  Region: string;
  RecordState: 'ACTIVE' | 'ARCHIVED';
}

export type AsffSeverity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const SEVERITY: Record<Severity, AsffSeverity> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };

/** Where the findings are imported: the account and region of the importing function. */
export interface AsffContext {
  partition: string;
  account: string;
  region: string;
  /** The time of the run: UpdatedAt of findings that carry no time of their own. */
  now: Date;
}

/** The labels Security Hub's own standards use, so a trailproof finding sits beside theirs. */
const FRAMEWORK_LABEL: Record<string, (version: string, id: string) => string> = {
  'cis-aws': (v, id) => `CIS AWS Foundations Benchmark v${v}/${id}`,
  'nist-800-53': (v, id) => `NIST.800-53.${v} ${id}`,
  'pci-dss': (v, id) => `PCI DSS v${v}/${id}`,
  'mitre-attack': (v, id) => `MITRE ATT&CK ${v}/${id}`,
};

export function relatedRequirement(control: string): string {
  const ref = parseControlRef(control);
  const label = ref && FRAMEWORK_LABEL[ref.framework];
  return ref && label ? label(ref.version, ref.id) : control;
}

/** Cut to a field's length limit, counting UTF-16 units as the API does, never splitting a pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

function findingTypes(f: Finding): string[] {
  const types: string[] = [];
  if (f.controls.some((c) => c.startsWith('cis-aws@'))) types.push('Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark');
  if (f.controls.some((c) => c.startsWith('mitre-attack@'))) types.push('TTPs');
  if (types.length === 0) types.push('Software and Configuration Checks/AWS Security Best Practices');
  return types;
}

function complianceStatus(f: Finding): AsffFinding['Compliance']['Status'] {
  switch (f.status) {
    case 'fail':
      return 'FAILED';
    case 'pass':
      return 'PASSED';
    case 'manual':
    case 'muted':
      return 'WARNING';
    default:
      return 'NOT_AVAILABLE';
  }
}

/** `AWS::S3::Bucket` -> `AwsS3Bucket`, the ASFF resource type naming. */
function resourceType(cfnType: string): string {
  const parts = cfnType.split('::');
  if (parts.length !== 3 || parts[0] !== 'AWS') return 'Other';
  return `Aws${parts[1]}${parts[2]}`;
}

function resources(f: Finding, ctx: AsffContext): AsffFinding['Resources'] {
  const s = f.subject;
  const region = s.region ?? ctx.region;
  const base = { Partition: ctx.partition, Region: region };
  switch (s.kind) {
    case 'event': {
      const account = s.account ?? ctx.account;
      const out: AsffFinding['Resources'] = [{ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, ...base }];
      if (s.principal) out.push({ Type: 'Other', Id: clip(s.principal, 512), ...base, Details: { Other: { kind: 'principal' } } });
      return out;
    }
    case 'resource':
      return [{ Type: resourceType(s.resourceType), Id: clip(s.arn ?? s.resourceId, 512), ...base }];
    case 'account':
      return [{ Type: 'AwsAccount', Id: `AWS::::Account:${s.account ?? ctx.account}`, ...base }];
    case 'log-file':
    case 'digest-file':
      return [{ Type: 'Other', Id: clip(s.key, 512), ...base }];
  }
}

/** Subject facts worth filtering on in the console; ProductFields takes strings only. */
function productFields(f: Finding): Record<string, string> {
  const out: Record<string, string> = { 'trailproof/RuleId': f.ruleId, 'trailproof/FindingId': f.id };
  const s = f.subject;
  const put = (k: string, v: string | null | undefined) => {
    if (v) out[`trailproof/${k}`] = clip(v, 2048);
  };
  if (s.kind === 'event') {
    put('EventId', s.eventId);
    put('EventName', s.eventName);
    put('EventSource', s.eventSource);
    put('EventTime', s.eventTime);
    put('Principal', s.principal);
    put('SourceIp', s.sourceIp);
    put('EventAccount', s.account);
  } else if (s.kind === 'resource') {
    put('ResourceType', s.resourceType);
    put('Stack', s.stack);
    put('Address', s.address);
  }
  put('Source', s.source.path);
  // Evidence last, so the fields above always fit under the limit of 50.
  for (const [k, v] of Object.entries(f.evidence)) {
    if (Object.keys(out).length >= 50) break;
    put(`evidence/${clip(k, 100)}`, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

function timeOf(f: Finding, ctx: AsffContext): string {
  if (f.subject.kind === 'event' && f.subject.eventTime) {
    const t = Date.parse(f.subject.eventTime);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  return ctx.now.toISOString();
}

/**
 * The ASFF form of a finding. The Id is the finding's stable id, so importing the same finding
 * again (a redelivered message, a re-run backfill) updates the one Security Hub finding instead of
 * adding another; an event finding's times are the event's, so the update changes nothing.
 * AwsAccountId is the importing account (BatchImportFindings rejects any other with the default
 * product ARN); the event's own account, for an organization trail, is in Resources.
 */
export function toAsff(f: Finding, ctx: AsffContext): AsffFinding {
  const at = timeOf(f, ctx);
  const severity = { Label: SEVERITY[f.severity], Original: f.severity };
  const types = findingTypes(f);
  const requirements = [...new Set(f.controls.map(relatedRequirement))].slice(0, 32);
  return {
    SchemaVersion: '2018-10-08',
    Id: f.id,
    ProductArn: `arn:${ctx.partition}:securityhub:${ctx.region}:${ctx.account}:product/${ctx.account}/default`,
    GeneratorId: `trailproof/${f.ruleId}`,
    AwsAccountId: ctx.account,
    Types: types,
    CreatedAt: at,
    UpdatedAt: at,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(f.title, 256),
    Description: clip(f.message, 1024),
    ...(f.remediation ? { Remediation: { Recommendation: { Text: clip(f.remediation, 512) } } } : {}),
    ProductFields: productFields(f),
    Resources: resources(f, ctx),
    Compliance: { Status: complianceStatus(f), ...(requirements.length > 0 ? { RelatedRequirements: requirements } : {}) },
    // The importing region: Security Hub takes a finding only for the region it is sent to.
    Region: ctx.region,
    // A finding that passes now closes the one an earlier failing run opened (same Id).
    RecordState: f.status === 'pass' ? 'ARCHIVED' : 'ACTIVE',
  };
}
