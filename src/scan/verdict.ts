import type { Finding } from '../model/finding';
import { type Severity, isSeverity, severityRank } from '../model/severity';

export type FailOn = Severity | 'none';

export function parseFailOn(s: string): FailOn | undefined {
  return s === 'none' || isSeverity(s) ? s : undefined;
}

/**
 * Whether a finding breaks the build: failing (not muted) at or above the threshold; with
 * `newOnly`, only one a baseline does not already know, so a pull request is judged on what it
 * changes.
 */
export function isBlocking(f: Finding, failOn: FailOn, newOnly = false): boolean {
  return failOn !== 'none' && f.status === 'fail' && severityRank(f.severity) >= severityRank(failOn) && (!newOnly || f.baseline !== 'unchanged');
}

/** The findings that break the build (see isBlocking). */
export function blockingFindings(findings: Iterable<Finding>, failOn: FailOn, newOnly = false): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) if (isBlocking(f, failOn, newOnly)) out.push(f);
  return out;
}
