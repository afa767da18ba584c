import type { TopLevelCondition } from 'json-rules-engine';
import type { Severity } from './severity';

/** What a rule judges: a single CloudTrail record, one resource of the model, or a whole account. */
export type RuleTarget = 'event' | 'resource' | 'account';

/** A metric alarm's settings: what the stacks deploy on a rule's metric. */
export interface AlarmSettings {
  statistic: 'Sum' | 'SampleCount' | 'Maximum';
  period: number;
  threshold: number;
  evaluationPeriods: number;
  comparisonOperator:
    | 'GreaterThanOrEqualToThreshold'
    | 'GreaterThanThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  /** Absent: the stack's configured `alarms.treatMissingData` applies. */
  treatMissingData?: 'notBreaching' | 'breaching' | 'ignore' | 'missing';
}

/**
 * The CloudWatch side of an event rule: what the stacks deploy and what the posture checks expect
 * to find on the trail's log group. The filter pattern is the rule's test: the loader derives
 * `conditions` from it unless the rule states them (then `rules lint` checks they are equal).
 */
export interface CloudWatchSpec {
  filterPattern: string;
  metricName: string;
  /** Defaults to the stack's namespace when absent. */
  metricNamespace?: string;
  metricValue?: string;
  /**
   * Where a framework version prescribes another pattern than `filterPattern` (CIS 4.10 before
   * v5.0 lists six event names, not seven), that version's pattern by control ref: the chain
   * check judges each version by what it prescribes. The stacks deploy `filterPattern`.
   */
  controlPatterns?: Record<string, string>;
  /** The pack's defaults (rules/defaults.json) with the rule's own settings over them. */
  alarm: AlarmSettings;
}

export interface RuleExample {
  name: string;
  /** For event rules a CloudTrail record; for resource/account rules a model fragment. */
  input: Record<string, unknown>;
  expect: 'match' | 'no-match';
}

/**
 * An event written as a named base event (rules/defaults.json `baseEvents`) and what differs:
 * `unset` selectors are removed from a copy of the base first, then `set` is deep-merged over it
 * (objects merge key by key; arrays, scalars and null replace).
 */
export interface DerivedEvent {
  base: string;
  set?: Record<string, unknown>;
  unset?: string[];
}

/** An example as a rule file may write it: the whole input, or a base event and what differs. */
export type RuleExampleDocument = RuleExample | ({ name: string; expect: RuleExample['expect'] } & DerivedEvent);

/** Recorded attacks the rule must fire on, by source (test/rules/ asserts each). */
export interface RulePositives {
  /** Stratus Red Team technique ids whose detonation log (shared datasets) fires the rule. */
  stratus?: string[];
}

/** What every rule file of a pack shares: rules/defaults.json (schemas/rule-defaults.schema.json). */
export interface PackDefaults {
  /** The alarm settings of a rule that does not state its own. */
  alarm?: Omit<AlarmSettings, 'treatMissingData'>;
  /** The events examples start from, by name: a whole event, or another base event and what differs. */
  baseEvents?: Record<string, { input: Record<string, unknown> } | DerivedEvent>;
}

interface RuleFields {
  $schema?: string;
  id: string;
  title: string;
  description: string;
  severity: Severity;
  rationale: string;
  remediation: string;
  references: string[];
  controls: string[];
  target: RuleTarget;
  /** For resource rules: the model resource type the rule applies to. */
  resourceType?: string;
  /** Free-form extension data for a target's checker (posture chain settings and the like). */
  check?: Record<string, unknown>;
  tags?: string[];
  positives?: RulePositives;
}

/**
 * A rule exactly as stored in `rules/<...>.json` (validated by schemas/rule.schema.json): an
 * event rule may leave out `conditions` (derived from its filter pattern), its alarm settings
 * (the pack's defaults) and write examples as a base event plus what differs.
 */
export interface RuleDocument extends RuleFields {
  conditions?: TopLevelCondition;
  cloudwatch?: Omit<CloudWatchSpec, 'alarm'> & { alarm?: Partial<AlarmSettings> };
  examples: RuleExampleDocument[];
}

/** A loaded rule: the document with everything it left to the pack filled in, and where it came from. */
export interface Rule extends RuleFields {
  conditions: TopLevelCondition;
  cloudwatch?: CloudWatchSpec;
  examples: RuleExample[];
  sourcePath: string;
}

export interface RuleLoadError {
  path: string;
  /** JSON pointer into the rule file, '' for the whole document. */
  pointer: string;
  message: string;
}

export interface RulePack {
  rules: Rule[];
  errors: RuleLoadError[];
  /** SHA-256 over the sorted rule files' (defaults.json included) relative paths and bytes: what exactly judged the input. */
  sha256: string;
  root: string;
}
