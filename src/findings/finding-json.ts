import type { Finding } from '../model/finding';

/**
 * JSON.stringify(finding), byte for byte, several times faster for event findings as eventFinding
 * makes them. A scan that spills writes every finding out once, and JSON.stringify spends most of
 * its ~7 µs a finding re-escaping what is the same for every finding of a rule (title,
 * remediation, controls, filter pattern): those texts are quoted once here and reused. Anything
 * not shaped exactly as expected (other keys, another order, a value of another type) goes to
 * JSON.stringify, so the output never differs (test/findings/finding-json.test.ts).
 */
export const FINDING_KEYS = ['id', 'ruleId', 'title', 'severity', 'status', 'controls', 'subject', 'message', 'evidence', 'remediation'] as const;
export const SUBJECT_KEYS = ['kind', 'eventId', 'eventName', 'eventTime', 'eventSource', 'principal', 'sourceIp', 'account', 'region', 'source'] as const;

// Texts that are the same for every finding of a rule (title, remediation, filter pattern), quoted
// once; capped, in case findings come from somewhere that varies them.
const quoted = new Map<string, string>();
const listJson = new WeakMap<readonly unknown[], string>();
// The file a run of findings came from: consecutive findings share it.
let lastPath = '';
let lastPathJson = '""';

/** Whether o's own keys are exactly these, in this order. */
export function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** A rule text: looked up, not escaped again. */
function constant(s: string): string {
  let j = quoted.get(s);
  if (j === undefined) {
    j = JSON.stringify(s);
    if (quoted.size < 4096) quoted.set(s, j);
  }
  return j;
}

// What JSON.stringify would escape (quote, backslash, control characters) or check (surrogates).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** An event value as JSON: most need no escape, and a regex test is cheaper than JSON.stringify's entry. */
export function q(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function pathJson(p: string): string {
  if (p !== lastPath) {
    lastPath = p;
    lastPathJson = JSON.stringify(p);
  }
  return lastPathJson;
}

/** A string or null as JSON; undefined when the value is neither (the caller falls back). */
export function sn(v: unknown): string | undefined {
  return typeof v === 'string' ? q(v) : v === null ? 'null' : undefined;
}

function list(a: unknown): string | undefined {
  if (!Array.isArray(a)) return undefined;
  let j = listJson.get(a);
  if (j === undefined) {
    j = JSON.stringify(a);
    listJson.set(a, j);
  }
  return j;
}

/** The fast path alone: undefined where findingJson falls back to JSON.stringify. */
export function findingJsonFast(f: Finding): string | undefined {
  if (!keysAre(f, FINDING_KEYS)) return undefined;
  const s = f.subject;
  if (s === null || typeof s !== 'object' || s.kind !== 'event' || !keysAre(s, SUBJECT_KEYS)) return undefined;
  const src = s.source as unknown as Record<string, unknown>;
  if (src === null || typeof src !== 'object') return undefined;
  let source = '{';
  let i = 0;
  for (const k in src) {
    const v = src[k];
    if (i === 0) {
      if (k !== 'path' || typeof v !== 'string') return undefined;
      source += `"path":${pathJson(v)}`;
    } else if ((k === 'index' || k === 'line') && (v === undefined || typeof v === 'number')) {
      if (v !== undefined) source += `,"${k}":${JSON.stringify(v)}`;
    } else {
      return undefined;
    }
    i++;
  }
  if (i === 0) return undefined;
  source += '}';
  const parts = [f.id, f.ruleId, f.title, f.severity, f.status, f.message, f.remediation];
  for (const p of parts) if (typeof p !== 'string') return undefined;
  const controls = list(f.controls);
  const fields = [sn(s.eventId), sn(s.eventName), sn(s.eventTime), sn(s.eventSource), sn(s.principal), sn(s.sourceIp), sn(s.account), sn(s.region)];
  for (const x of fields) if (x === undefined) return undefined;
  const ev = f.evidence;
  if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) return undefined;
  let evidence = '{';
  for (const k in ev) {
    const v = ev[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return undefined;
    // The filter pattern is the rule's own text; the other values come from the event.
    evidence += `${evidence.length > 1 ? ',' : ''}${q(k)}:${typeof v === 'string' ? (k === 'filterPattern' ? constant(v) : q(v)) : JSON.stringify(v)}`;
  }
  evidence += '}';
  return (
    `{"id":${q(f.id)},"ruleId":${constant(f.ruleId)},"title":${constant(f.title)},"severity":${constant(f.severity)},"status":${constant(f.status)},"controls":${controls}` +
    `,"subject":{"kind":"event","eventId":${fields[0]},"eventName":${fields[1]},"eventTime":${fields[2]},"eventSource":${fields[3]},"principal":${fields[4]},"sourceIp":${fields[5]},"account":${fields[6]},"region":${fields[7]},"source":${source}}` +
    `,"message":${q(f.message)},"evidence":${evidence},"remediation":${constant(f.remediation)}}`
  );
}

export function findingJson(f: Finding): string {
  return findingJsonFast(f) ?? JSON.stringify(f);
}
