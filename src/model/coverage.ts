/** Control coverage: what findings/coverage.ts works out and the reports show. */

export type ControlStatus = 'pass' | 'fail' | 'manual' | 'not-covered';

export interface ControlResult {
  /** `framework@version:id` */
  ref: string;
  id: string;
  title: string | null;
  section: string | null;
  level: string | null;
  /** From the catalogue; `unknown` when the framework version has no catalogue. */
  assessment: 'automated' | 'manual' | 'unknown';
  status: ControlStatus;
  /** Rules that map to the control (from the rule pack and from the findings themselves). */
  rules: string[];
  /** Rules among them that judged something in this scan. */
  assessedRules: string[];
  failing: number;
  muted: number;
  passed: number;
  /** Distinct waivers behind the muted findings: "reason (owner, until YYYY-MM-DD)". */
  waivers: string[];
  /**
   * An alarm control ("a metric filter and alarm exist for ..."): its status comes from the
   * monitoring-chain check, and matching events are activity, not failures.
   */
  alarm: boolean;
  /** Alarm controls: events that matched the control's detection (failing or muted findings of event rules), counted apart from `failing`. */
  activity: number;
  /** The event rules behind `activity`. */
  activityRules: string[];
  /** Why the status is what it is, in one sentence an auditor can check. */
  basis: string;
}

export interface FrameworkCoverage {
  framework: string;
  version: string;
  title: string;
  /** False when rules name this framework version but no catalogue was loaded for it. */
  catalogued: boolean;
  controls: ControlResult[];
  counts: Record<ControlStatus, number>;
}

/** A control some rule judged in the baseline run and no rule judges now. */
export interface CoverageLoss {
  /** `framework@version:id` */
  ref: string;
  title: string | null;
  before: ControlStatus;
  after: ControlStatus;
  /** The rules that judged it in the baseline run. */
  rules: string[];
}
