import type { Finding, FindingsDocument } from '../model/finding';

/**
 * The counts a report headline needs, kept as findings go by, so they are computed from the
 * findings themselves and can never disagree with them, without a second pass over a list that
 * may live on disk.
 */
export class FindingTally {
  private readonly byStatus: FindingsDocument['summary']['byStatus'] = {};
  private readonly bySeverity: FindingsDocument['summary']['bySeverity'] = {};
  private n = 0;

  add(f: Finding): void {
    this.count(f.status, f.severity);
  }

  /** A finding known only by its status and severity (sent by a scan worker). */
  count(status: Finding['status'], severity: Finding['severity']): void {
    this.n++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (status === 'fail') this.bySeverity[severity] = (this.bySeverity[severity] ?? 0) + 1;
  }

  summary(events: number, duplicateEventsIgnored: number): FindingsDocument['summary'] {
    return { events, findings: this.n, byStatus: { ...this.byStatus }, bySeverity: { ...this.bySeverity }, duplicateEventsIgnored };
  }
}

/** One pass over any list of findings, in memory or spilled: nothing is kept but the counts. */
export function summarize(findings: Iterable<Finding>, events: number, duplicateEventsIgnored: number): FindingsDocument['summary'] {
  const t = new FindingTally();
  for (const f of findings) t.add(f);
  return t.summary(events, duplicateEventsIgnored);
}
