import type { Finding, FindingsView } from '../src/model/finding';
import type { ReportWriter, TextSink } from '../src/model/report-writer';
import { csvField, csvTextField } from './escape';
import { locationLabel, subjectLabel } from './view';

export const FINDINGS_CSV_COLUMNS = [
  'finding_id', 'status', 'severity', 'rule', 'title', 'subject_kind', 'subject', 'resource_type', 'resource',
  'event_name', 'event_id', 'event_time', 'principal', 'source_ip', 'account', 'region', 'location',
  'controls', 'message', 'remediation', 'baseline', 'suppression',
] as const;

function row(f: Finding): string {
  const s = f.subject;
  const text = (v: string | null | undefined) => csvTextField(v);
  const cells: string[] = [
    text(f.id),
    csvField(f.status),
    csvField(f.severity),
    csvField(f.ruleId),
    csvField(f.title),
    csvField(s.kind),
    csvField(subjectLabel(s)),
    csvField(s.kind === 'resource' ? s.resourceType : ''),
    text(s.kind === 'resource' ? (s.address ?? s.arn ?? s.resourceId) : s.kind === 'log-file' || s.kind === 'digest-file' ? s.key : ''),
    csvField(s.kind === 'event' ? s.eventName : ''),
    text(s.kind === 'event' ? s.eventId : ''),
    text(s.kind === 'event' ? s.eventTime : ''),
    csvField(s.kind === 'event' ? s.principal : ''),
    text(s.kind === 'event' ? s.sourceIp : ''),
    text(s.account),
    csvField(s.region),
    csvField(locationLabel(s.source)),
    csvField(f.controls.join(' ')),
    csvField(f.message),
    csvField(f.remediation),
    csvField(f.baseline ?? ''),
    csvField(f.suppression ? `${f.suppression.expired ? 'expired: ' : ''}${f.suppression.reason} (${f.suppression.owner ?? 'no owner'}, until ${f.suppression.expires ?? '?'})` : ''),
  ];
  return `${cells.join(',')}\r\n`;
}

/**
 * One row per finding (every status), for spreadsheets: the resource or event, account, region,
 * rule, controls, status and message. RFC 4180 with CRLF; cells that would run as formulas are
 * defused (csvField) and identifiers a spreadsheet would turn into numbers or dates stay text
 * (csvTextField). Written in document order as the findings are read, so its size never costs memory.
 */
function writeFindingsCsv(doc: Pick<FindingsView, 'findings'>, out: TextSink): void {
  out.write(`${FINDINGS_CSV_COLUMNS.join(',')}\r\n`);
  for (const f of doc.findings) out.write(row(f));
}

/** The report, as reports/registry.ts registers it (format findings-csv, findings.csv). */
export const write: ReportWriter['write'] = (doc, _ctx, out) => writeFindingsCsv(doc, out);
