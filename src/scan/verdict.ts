import type { Finding } from '../model/finding';
import { type Severity, isSeverity, severityRank } from '../model/severity';

export type FailOn = Severity | 'none';

export function parseFailOn(s: string): FailOn | undefined {
  return s === 'none' || isSeverity(s) ? s : undefined;
}

/**
 * The findings that break the build: failing (not muted) at or above the threshold; with
 * `newOnly`, only those a baseline does not already know, so a pull request is judged on what it
 * changes.
 */
export function blockingFindings(findings: readonly Finding[], failOn: FailOn, newOnly = false): Finding[] {
  if (failOn === 'none') return [];
  const min = severityRank(failOn);
  return findings.filter(
    (f) => f.status === 'fail' && severityRank(f.severity) >= min && (!newOnly || f.baseline !== 'unchanged'),
  );
}
