import type { TopLevelCondition } from 'json-rules-engine';
import type { Severity } from './severity';

/** What a rule judges: a single CloudTrail record, one resource of the model, or a whole account. */
export type RuleTarget = 'event' | 'resource' | 'account';

/**
 * The CloudWatch side of an event rule: what the stacks deploy and what the posture checks expect
 * to find on the trail's log group. The filter pattern must match exactly what `conditions` match.
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
  alarm: {
    statistic: 'Sum' | 'SampleCount' | 'Maximum';
    period: number;
    threshold: number;
    evaluationPeriods: number;
    comparisonOperator:
      | 'GreaterThanOrEqualToThreshold'
      | 'GreaterThanThreshold'
      | 'LessThanThreshold'
      | 'LessThanOrEqualToThreshold';
    treatMissingData?: 'notBreaching' | 'breaching' | 'ignore' | 'missing';
  };
}

export interface RuleExample {
  name: string;
  /** For event rules a CloudTrail record; for resource/account rules a model fragment. */
  input: Record<string, unknown>;
  expect: 'match' | 'no-match';
}

/** A rule exactly as stored in `rules/<...>.json` (validated by schemas/rule.schema.json). */
export interface RuleDocument {
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
  conditions: TopLevelCondition;
  cloudwatch?: CloudWatchSpec;
  /** Free-form extension data for a target's checker (posture chain settings and the like). */
  check?: Record<string, unknown>;
  tags?: string[];
  examples: RuleExample[];
}

/** A loaded rule: the document plus where it came from. */
export interface Rule extends RuleDocument {
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
  /** SHA-256 over the sorted rule files' relative paths and bytes: what exactly judged the input. */
  sha256: string;
  root: string;
}
