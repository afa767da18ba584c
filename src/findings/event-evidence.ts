import type { CloudTrailRecord } from '../model/event';

/**
 * What an auditor asks of every event finding, whatever its rule read, beyond what the finding's
 * subject already holds (service, call, time, region, source address, principal, account, and the
 * log file, record and line: EventSubject): the whole identity (its key, the role session's
 * issuer, MFA), the client, the error, the request and the response. Values are the record's own
 * (attacker-controlled text: reports escape them). Nothing is repeated from the subject, so the
 * spill form and findings.json grow only by what is new.
 */
export interface EventEvidence {
  userIdentity?: {
    type?: string;
    arn?: string;
    accountId?: string;
    principalId?: string;
    userName?: string;
    accessKeyId?: string;
    invokedBy?: string;
    sessionIssuer?: { type?: string; arn?: string; accountId?: string; userName?: string };
    /** userIdentity.sessionContext.attributes.mfaAuthenticated, as CloudTrail writes it ("true"/"false"). */
    mfaAuthenticated?: string;
  };
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  /** The whole value, or (past the cap) the start of its JSON text; `cut` says so. */
  requestParameters?: unknown;
  responseElements?: unknown;
  /** One note per value cut to the cap: its name, full size and the cap. */
  cut?: string[];
}

/** Bytes of JSON kept of requestParameters and of responseElements each (a policy document fits). */
export const EVIDENCE_VALUE_CAP = 4096;

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Put `v` on `o` under `k` only when it is there: findings stay small and say nothing invented. */
function put<T extends object>(o: T, k: keyof T, v: unknown): void {
  if (v !== undefined) (o as Record<keyof T, unknown>)[k] = v;
}

/**
 * Characters of a value's JSON, counted until `budget` is passed (then budget + 1): a bound that
 * decides most values without serializing them. One character of a string can take up to six
 * bytes of JSON (a \u escape), so a value this counts at most CAP/6 is surely under the cap.
 */
function sizeWithin(v: unknown, budget: number): number {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? v.length + 2 : 8;
  let n = 2;
  for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
    n += (typeof k === 'string' ? k.length + 3 : 0) + sizeWithin(x, budget - n) + 1;
    if (n > budget) return budget + 1;
  }
  return n;
}

function capped(name: string, v: unknown, cut: string[]): unknown {
  // null and scalars are cheap and small; only objects and long strings can be large.
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (sizeWithin(v, EVIDENCE_VALUE_CAP / 6) <= EVIDENCE_VALUE_CAP / 6) return v;
  const text = JSON.stringify(v);
  const bytes = Buffer.byteLength(text);
  if (bytes <= EVIDENCE_VALUE_CAP) return v;
  cut.push(`${name}: ${bytes} bytes of JSON, cut to the first ${EVIDENCE_VALUE_CAP} (the log file holds the whole record)`);
  // Cut on a character, not inside one: a partial UTF-8 sequence decodes to U+FFFD, dropped.
  return `${Buffer.from(text).subarray(0, EVIDENCE_VALUE_CAP).toString('utf8').replace(/\uFFFD$/, '')}…`;
}

export function eventEvidenceOf(r: CloudTrailRecord): EventEvidence {
  const out: EventEvidence = {};
  const u = obj(r.userIdentity);
  if (u) {
    const id: NonNullable<EventEvidence['userIdentity']> = {};
    put(id, 'type', s(u.type));
    put(id, 'arn', s(u.arn));
    put(id, 'accountId', s(u.accountId));
    put(id, 'principalId', s(u.principalId));
    put(id, 'userName', s(u.userName));
    put(id, 'accessKeyId', s(u.accessKeyId));
    put(id, 'invokedBy', s(u.invokedBy));
    const ctx = obj(u.sessionContext);
    const issuer = obj(ctx?.sessionIssuer);
    if (issuer) {
      const si: NonNullable<NonNullable<EventEvidence['userIdentity']>['sessionIssuer']> = {};
      put(si, 'type', s(issuer.type));
      put(si, 'arn', s(issuer.arn));
      put(si, 'accountId', s(issuer.accountId));
      put(si, 'userName', s(issuer.userName));
      id.sessionIssuer = si;
    }
    const mfa = obj(ctx?.attributes)?.mfaAuthenticated;
    put(id, 'mfaAuthenticated', typeof mfa === 'boolean' ? String(mfa) : s(mfa));
    out.userIdentity = id;
  }
  put(out, 'userAgent', s(r.userAgent));
  put(out, 'errorCode', s(r.errorCode));
  put(out, 'errorMessage', s(r.errorMessage));
  const cut: string[] = [];
  put(out, 'requestParameters', capped('requestParameters', r.requestParameters, cut));
  put(out, 'responseElements', capped('responseElements', r.responseElements, cut));
  if (cut.length > 0) out.cut = cut;
  return out;
}
