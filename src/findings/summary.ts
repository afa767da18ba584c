import type { Finding, FindingsDocument } from '../model/finding';

/** Counts a report headline needs; computed from the findings so they can never disagree. */
export function summarize(findings: readonly Finding[], events: number, duplicateEventsIgnored: number): FindingsDocument['summary'] {
  const byStatus: FindingsDocument['summary']['byStatus'] = {};
  const bySeverity: FindingsDocument['summary']['bySeverity'] = {};
  for (const f of findings) {
    byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
    if (f.status === 'fail') bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  }
  return { events, findings: findings.length, byStatus, bySeverity, duplicateEventsIgnored };
}
