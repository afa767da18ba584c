import type { EventSubject, Finding } from '../model/finding';
import type { Rule } from '../model/rule';
import { ruleInsights } from '../insights/rule-queries';

const FINDING_KEYS = ['id', 'ruleId', 'title', 'severity', 'status', 'controls', 'subject', 'message', 'evidence', 'remediation'] as const;
const SUBJECT_KEYS = ['kind', 'eventId', 'eventName', 'eventTime', 'eventSource', 'principal', 'sourceIp', 'account', 'region', 'source'] as const;
// What JSON.stringify would escape (quote, backslash, control characters) or check (surrogates).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Whether o's own keys are exactly these, in this order. */
function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** An event value as JSON: most need no escape, and a regex test is cheaper than JSON.stringify's entry. */
function q(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A string or null as JSON; undefined when the value is neither (the caller falls back). */
function sn(v: unknown): string | undefined {
  return typeof v === 'string' ? q(v) : v === null ? 'null' : undefined;
}

/**
 * How a scan writes findings to its spill files and reads them back. An event finding made by
 * eventFinding carries its rule's title, severity, controls, remediation and filter pattern, about
 * 1 KB of the 1.7 KB of its JSON and the same for every finding of the rule: on disk it is an array
 * of what varies, and the rule's texts are put back on reading, in the same key order, so the
 * finding read is the finding written (test/findings/finding-codec.test.ts). Any finding not shaped
 * exactly so is written as its JSON. Values are quoted without JSON.stringify when nothing in them
 * needs escaping, which most do not.
 */
export interface FindingCodec {
  encode(f: Finding): string;
  decode(text: string): Finding;
}

export function findingCodec(rules: readonly Rule[]): FindingCodec {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    encode: (f) => compact(f, byId.get(f.ruleId)) ?? JSON.stringify(f),
    decode: (text) => (text.charCodeAt(0) === 91 /* [ */ ? expand(JSON.parse(text) as Compact, byId) : (JSON.parse(text) as Finding)),
  };
}

type Compact = [
  id: string,
  ruleId: string,
  eventId: string | null,
  eventName: string | null,
  eventTime: string | null,
  eventSource: string | null,
  principal: string | null,
  sourceIp: string | null,
  account: string | null,
  region: string | null,
  path: string,
  index: number | null,
  line: number | null,
  message: string,
  evidence: Record<string, unknown>,
  /** 1: the rule's filter pattern was the evidence's last entry. */
  filterPattern: 0 | 1,
  /**
   * The window of `logsInsights` when it cited the rule's own saved query, just before the
   * pattern (or last): the query text is the rule's, put back on reading.
   */
  insightsWindow?: [startTime: string, endTime: string],
];

const INSIGHTS_KEYS = ['queryDefinition', 'query', 'startTime', 'endTime'] as const;

function compact(f: Finding, rule: Rule | undefined): string | undefined {
  if (!rule || !keysAre(f, FINDING_KEYS)) return undefined;
  if (f.status !== 'fail' || f.title !== rule.title || f.severity !== rule.severity || f.remediation !== rule.remediation || f.controls !== rule.controls) return undefined;
  if (typeof f.id !== 'string' || typeof f.message !== 'string') return undefined;
  const s = f.subject as EventSubject;
  if (s === null || typeof s !== 'object' || s.kind !== 'event' || !keysAre(s, SUBJECT_KEYS)) return undefined;
  const src = s.source as unknown as Record<string, unknown>;
  if (src === null || typeof src !== 'object' || typeof src.path !== 'string') return undefined;
  // Only path, index, line, in that order, as eventSubject makes them.
  let k = 0;
  for (const key of Object.keys(src)) {
    const at = ['path', 'index', 'line'].indexOf(key);
    if (at < k || (at > 0 && src[key] !== undefined && typeof src[key] !== 'number')) return undefined;
    k = at + 1;
  }
  const fields = [sn(s.eventId), sn(s.eventName), sn(s.eventTime), sn(s.eventSource), sn(s.principal), sn(s.sourceIp), sn(s.account), sn(s.region)];
  for (const x of fields) if (x === undefined) return undefined;
  const ev = f.evidence;
  if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) return undefined;
  const pattern = rule.cloudwatch?.filterPattern;
  let evidence = '{';
  let lastWasPattern = 0;
  let window: string | undefined;
  for (const key in ev) {
    const v = ev[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return undefined;
    if (lastWasPattern) return undefined; // the pattern must be the last entry
    if (key === 'filterPattern' && pattern !== undefined && v === pattern) {
      lastWasPattern = 1;
      continue;
    }
    if (window !== undefined) return undefined; // only the pattern may follow the query
    if (key === 'logsInsights' && v !== null && typeof v === 'object' && keysAre(v, INSIGHTS_KEYS)) {
      const li = v as Record<(typeof INSIGHTS_KEYS)[number], unknown>;
      const rq = ruleInsights(rule);
      if (rq && li.queryDefinition === rq.name && li.query === rq.query && typeof li.startTime === 'string' && typeof li.endTime === 'string') {
        window = `,[${q(li.startTime)},${q(li.endTime)}]`;
        continue;
      }
    }
    evidence += `${evidence.length > 1 ? ',' : ''}${q(key)}:${typeof v === 'string' ? q(v) : JSON.stringify(v)}`;
  }
  const num = (v: unknown) => (typeof v === 'number' ? JSON.stringify(v) : 'null');
  return `[${q(f.id)},${q(f.ruleId)},${fields.join(',')},${q(src.path)},${num(src.index)},${num(src.line)},${q(f.message)},${evidence}},${lastWasPattern}${window ?? ''}]`;
}

function expand(a: Compact, byId: ReadonlyMap<string, Rule>): Finding {
  const rule = byId.get(a[1]);
  if (!rule) throw new Error(`spooled finding of an unknown rule ${a[1]}`);
  const source: EventSubject['source'] = { path: a[10] };
  if (a[11] !== null) source.index = a[11];
  if (a[12] !== null) source.line = a[12];
  const evidence = a[14];
  const w = a[16];
  if (w) {
    const rq = ruleInsights(rule);
    if (!rq) throw new Error(`spooled finding cites a Logs Insights query rule ${a[1]} does not have`);
    evidence.logsInsights = { queryDefinition: rq.name, query: rq.query, startTime: w[0], endTime: w[1] };
  }
  if (a[15] === 1) evidence.filterPattern = rule.cloudwatch?.filterPattern;
  return {
    id: a[0],
    ruleId: a[1],
    title: rule.title,
    severity: rule.severity,
    status: 'fail',
    controls: rule.controls,
    subject: { kind: 'event', eventId: a[2], eventName: a[3], eventTime: a[4], eventSource: a[5], principal: a[6], sourceIp: a[7], account: a[8], region: a[9], source },
    message: a[13],
    evidence,
    remediation: rule.remediation,
  };
}
