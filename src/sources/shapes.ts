import type { CloudTrailRecord } from '../model/event';

/**
 * What one parsed element is, and where its CloudTrail record sits inside it. Pure: no parsing
 * of text here (a CloudWatch Logs event's message comes back as text for the caller to parse).
 */

/** How a record was wrapped, for the input's kind. */
export type RecordShape = 'record' | 'eventbridge' | 'log-event';

/** Why an element was not used; each category has one fixed reason text (see SKIP_REASONS). */
export type SkipCategory = 'unknown-shape' | 'not-cloudtrail-eventbridge' | 'digest' | 'invalid-json' | 'oversized' | 'bad-log-event';

export const SKIP_REASONS: Record<SkipCategory, string> = {
  'unknown-shape': 'not a CloudTrail record (unknown shape)',
  'not-cloudtrail-eventbridge': 'EventBridge event that does not come from CloudTrail',
  digest: 'CloudTrail digest, not events (checked by validate-logs)',
  'invalid-json': 'invalid JSON',
  oversized: 'over the record size limit',
  'bad-log-event': 'CloudWatch Logs event whose message is not a JSON CloudTrail record',
};

/** Categories that mean a CloudTrail record was there but could not be checked: the input is in error. */
export const DAMAGE: ReadonlySet<SkipCategory> = new Set<SkipCategory>(['invalid-json', 'oversized']);

export type Classified =
  | { type: 'record'; record: CloudTrailRecord; shape: RecordShape }
  /** A CloudWatch Logs event: its message is the record's JSON text. */
  | { type: 'message'; text: string }
  /** A `{"Records":[...]}` envelope met as one element (a line of JSON lines): each value in turn. */
  | { type: 'records'; values: unknown[] }
  | { type: 'skip'; category: SkipCategory; detail: string };

/** Where the element came from; elements of a FilterLogEvents `events` array must be log events. */
export type ElementOrigin = 'plain' | 'log-events' | 'log-message';

const CLOUDTRAIL_DETAIL_TYPE = /^AWS (?:API Call|Console Sign ?In|Console Action|Service Event|Insight) via CloudTrail$/i;
const RECORD_KEYS = ['eventVersion', 'eventName', 'eventSource', 'eventID', 'eventType', 'eventTime'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Lenient on purpose: test fixtures and hand-trimmed exports omit eventVersion and more, and a
 * record wrongly called unknown would hide it from every rule. One identifying field is enough.
 */
export function looksLikeCloudTrailRecord(v: unknown): v is CloudTrailRecord {
  if (!isObject(v)) return false;
  for (const k of RECORD_KEYS) if (typeof v[k] === 'string') return true;
  return false;
}

function isLogEvent(v: Record<string, unknown>): boolean {
  return typeof v.message === 'string' && ('timestamp' in v || 'logStreamName' in v || 'ingestionTime' in v || 'eventId' in v);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v !== 'object') return `a ${typeof v}`;
  const keys = Object.keys(v);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 4).map((k) => JSON.stringify(k)).join(', ');
  return `an object with keys ${shown}${keys.length > 4 ? `, ... (${keys.length})` : ''}`;
}

export function classify(v: unknown, origin: ElementOrigin): Classified {
  if (origin === 'log-events') {
    if (isObject(v) && typeof v.message === 'string') return { type: 'message', text: v.message };
    return { type: 'skip', category: 'bad-log-event', detail: `log event is ${describeValue(v)}, without a "message" string` };
  }
  if (isObject(v)) {
    const detailType = v['detail-type'];
    if (typeof detailType === 'string' && 'detail' in v) {
      if (CLOUDTRAIL_DETAIL_TYPE.test(detailType) && looksLikeCloudTrailRecord(v.detail)) {
        return { type: 'record', record: v.detail, shape: 'eventbridge' };
      }
      return { type: 'skip', category: 'not-cloudtrail-eventbridge', detail: `detail-type ${JSON.stringify(detailType)}` };
    }
    if (origin === 'plain' && isLogEvent(v)) return { type: 'message', text: v.message as string };
    if ('digestStartTime' in v && 'logFiles' in v) {
      return { type: 'skip', category: 'digest', detail: 'digest file content' };
    }
    if (origin === 'plain' && Array.isArray(v.Records)) return { type: 'records', values: v.Records };
    if (looksLikeCloudTrailRecord(v)) return { type: 'record', record: v, shape: origin === 'log-message' ? 'log-event' : 'record' };
  }
  if (origin === 'log-message') {
    return { type: 'skip', category: 'bad-log-event', detail: `message is ${describeValue(v)}` };
  }
  return { type: 'skip', category: 'unknown-shape', detail: describeValue(v) };
}
