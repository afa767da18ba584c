import type { EventEvidence } from '../src/findings/event-evidence';
import type { Finding } from '../src/model/finding';
import { escapeHtml as h } from './escape';

function isEventEvidence(v: unknown): v is EventEvidence {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function row(label: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const cell = typeof value === 'string' && !text.includes('\n') ? h(text) : `<pre>${h(text)}</pre>`;
  return `<tr><th>${h(label)}</th><td class="mono">${cell}</td></tr>`;
}

/**
 * An event finding's audit evidence as one table an auditor reads down: identity, call, client,
 * error, request and response, and the log file and line. The call, time, region and place come
 * from the subject (evidence.event does not repeat them). Every value is the record's own text,
 * escaped; a value cut to the cap says so. Empty for findings that are not about an event.
 */
export function eventEvidenceTable(f: Finding): string {
  const e = f.evidence.event;
  if (f.subject.kind !== 'event' || !isEventEvidence(e)) return '';
  const s = f.subject;
  const u = e.userIdentity ?? {};
  const si = u.sessionIssuer;
  const src = s.source;
  const rows = [
    row('identity type', u.type),
    row('identity ARN', u.arn),
    row('account', u.accountId),
    row('principal id', u.principalId),
    row('user name', u.userName),
    row('access key', u.accessKeyId),
    row('invoked by', u.invokedBy),
    row('session issuer', si ? [si.type, si.arn ?? si.userName, si.accountId].filter((x) => x !== undefined).join(' ') : undefined),
    row('MFA authenticated', u.mfaAuthenticated),
    row('event source', s.eventSource),
    row('event name', s.eventName),
    row('event time', s.eventTime),
    row('region', s.region),
    row('source IP', s.sourceIp),
    row('user agent', e.userAgent),
    row('error code', e.errorCode),
    row('error message', e.errorMessage),
    row('request parameters', e.requestParameters),
    row('response elements', e.responseElements),
    row('cut', e.cut?.join('\n')),
    row('log file', src.line !== undefined ? `${src.path}:${src.line}` : `${src.path} [record ${src.index ?? '?'}]`),
    ...insightsRows(f.evidence.logsInsights),
  ].join('');
  return `<p><b>Event</b></p><table class="event-evidence"><tbody>${rows}</tbody></table>`;
}

/** The saved Logs Insights query and the window around the event, to run on the trail's log group. */
function insightsRows(v: unknown): string[] {
  if (v === null || typeof v !== 'object') return [];
  const q = v as { queryDefinition?: unknown; query?: unknown; startTime?: unknown; endTime?: unknown };
  if (typeof q.query !== 'string') return [];
  return [
    row('Logs Insights query', `${String(q.queryDefinition ?? '')}, from ${String(q.startTime ?? '?')} to ${String(q.endTime ?? '?')}`),
    `<tr><th></th><td class="mono"><pre>${h(q.query)}</pre></td></tr>`,
  ];
}
