import type { Severity } from './severity';
import type { InputRecord } from './input';
import type { RuleTarget } from './rule';

export type FindingStatus = 'fail' | 'pass' | 'muted' | 'manual' | 'not-applicable' | 'error';

export interface SourceRef {
  path: string;
  /** JSON pointer inside the file (IaC, snapshots) where the subject is defined. */
  pointer?: string;
  /** 1-based line, where known. */
  line?: number;
  /** 0-based record index inside an event file. */
  index?: number;
}

export interface EventSubject {
  kind: 'event';
  eventId: string | null;
  eventName: string | null;
  eventTime: string | null;
  eventSource: string | null;
  principal: string | null;
  sourceIp: string | null;
  account: string | null;
  region: string | null;
  source: SourceRef;
}

export interface ResourceSubject {
  kind: 'resource';
  resourceType: string;
  resourceId: string;
  resourceName: string | null;
  arn: string | null;
  account: string | null;
  region: string | null;
  /** Deployment context: the cdktf stack, or the Config snapshot/aggregator it came from. */
  stack: string | null;
  /** Terraform address (`aws_cloudtrail.audit`) for IaC inputs. */
  address?: string;
  /** cdktf construct path, from the resource's metadata. */
  constructPath?: string;
  source: SourceRef;
}

export interface AccountSubject {
  kind: 'account';
  account: string | null;
  region: string | null;
  stack: string | null;
  source: SourceRef;
}

/** Integrity results (validate-logs): one subject per digest or log file. */
export interface FileSubject {
  kind: 'log-file' | 'digest-file';
  account: string | null;
  region: string | null;
  key: string;
  source: SourceRef;
}

export type Subject = EventSubject | ResourceSubject | AccountSubject | FileSubject;

export interface Finding {
  /** Stable across runs for the same rule and subject (hash of rule id and subject key, src/util/finding-id.ts). */
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  status: FindingStatus;
  controls: string[];
  subject: Subject;
  message: string;
  /** What decided the result: the fields a rule looked at and their values. */
  evidence: Record<string, unknown>;
  remediation: string;
  /**
   * Set by suppressions. A finding keeps status `fail` when the matching suppression has expired:
   * `expired: true` says so, so a lapsed waiver is visible instead of silently dropped.
   */
  suppression?: { reason: string; owner?: string; expires?: string; source: string; expired?: boolean };
  /** Set when a baseline was given. */
  baseline?: 'new' | 'unchanged';
}

/**
 * What a rule of the run could judge: enough for a later run with --baseline to work out which
 * controls this run covered, even for a rule deleted since (a deleted rule leaves no finding, so
 * the later run's own rule pack cannot say what it used to cover).
 */
export interface RuleIndexEntry {
  id: string;
  target: RuleTarget;
  controls: string[];
  /** The rule carries a CloudWatch filter (what makes its CIS controls alarm controls). */
  cloudwatch?: true;
  /** A monitoring-chain rule: which controls its chain check judges. */
  check?: { kind: string; eventRuleControl?: string };
}

export interface RulePackInfo {
  rules: number;
  sha256: string;
  errors: { path: string; pointer: string; message: string }[];
  /** One entry per loaded rule (absent in documents written before it was added). */
  index?: RuleIndexEntry[];
}

/** findings.json: the contract every report and downstream tool reads. */
export interface FindingsDocument {
  schemaVersion: '1.0';
  tool: { name: 'trailproof'; version: string };
  rulePack: RulePackInfo;
  startedAt: string;
  finishedAt: string;
  inputs: InputRecord[];
  findings: Finding[];
  summary: {
    events: number;
    findings: number;
    byStatus: Partial<Record<FindingStatus, number>>;
    bySeverity: Partial<Record<Severity, number>>;
    duplicateEventsIgnored: number;
  };
  /** Set when a baseline was given: where it came from and the counts the reports headline. */
  baseline?: { source: string; new: number; unchanged: number; fixed: number; notRejudged?: number };
  /** Set when suppressions were applied: entries that expired or matched nothing are listed, not hidden. */
  suppressions?: {
    sources: string[];
    entries: number;
    muted: number;
    expired: { source: string; reason: string; owner: string; expires: string; matched: number }[];
    unused: { source: string; reason: string; owner: string }[];
  };
  /** Findings from the baseline that were judged again and no longer fail (see --baseline). */
  fixed?: { id: string; ruleId: string; title: string; subject: Subject }[];
  /**
   * Open findings from the baseline this run did not judge again (their input kind or file was not
   * scanned): not fixed, not failing, unknown.
   */
  notRejudged?: { id: string; ruleId: string; title: string; subject: Subject }[];
}

/**
 * Findings in document order that can be read as often as needed: an array, or a store whose
 * findings spilled to disk during a large scan. `length` is the number of findings.
 */
export interface FindingList extends Iterable<Finding> {
  readonly length: number;
}

/**
 * findings.json as the pipeline carries it after a scan: the same document, with findings that
 * may live on disk. A FindingsDocument (findings in an array) is one.
 */
export interface FindingsView<L extends FindingList = FindingList> extends Omit<FindingsDocument, 'findings'> {
  findings: L;
}
