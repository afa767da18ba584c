import type { Finding, FindingsDocument } from '../model/finding';

/**
 * Counts a report headline needs; computed from the findings so they can never disagree. One pass
 * over any list of findings, in memory or spilled: nothing is kept but the counts.
 */
export function summarize(findings: Iterable<Finding>, events: number, duplicateEventsIgnored: number): FindingsDocument['summary'] {
  const byStatus: FindingsDocument['summary']['byStatus'] = {};
  const bySeverity: FindingsDocument['summary']['bySeverity'] = {};
  let n = 0;
  for (const f of findings) {
    n++;
    byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
    if (f.status === 'fail') bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  }
  return { events, findings: n, byStatus, bySeverity, duplicateEventsIgnored };
}
