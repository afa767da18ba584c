import type { InputRecord } from '../model/input';

/**
 * Every AWS read the live scan makes goes through `LiveCalls.run`, which names the IAM action it
 * needs, counts what came back, and turns a failure into an input record with the reason instead
 * of an exception: an AccessDenied on one API costs the controls that depend on it (reported as
 * `error`), never the scan. Throttling is retried by the SDK's standard retry strategy
 * (exponential backoff with jitter, `maxAttempts`), configured in live-clients.ts.
 */

export type FailureKind = 'access-denied' | 'not-found' | 'not-enabled' | 'throttled' | 'malformed' | 'other';

export interface CallFailure {
  kind: FailureKind;
  action: string;
  region: string;
  reason: string;
}

const DENIED = /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized|UnrecognizedClient|InvalidClientTokenId|MissingAuthenticationToken/i;

function classify(err: unknown): FailureKind {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; $response?: unknown };
  const name = e?.name ?? e?.Code ?? '';
  const status = e?.$metadata?.httpStatusCode;
  if (DENIED.test(name) || status === 403) return 'access-denied';
  if (/NotFound|NoSuch/i.test(name)) return 'not-found';
  if (/InvalidAccessException/.test(name)) return 'not-enabled';
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) return 'throttled';
  if (/Deserializ|SyntaxError|Unexpected token|Expected|parse/i.test(`${name} ${(err as Error)?.message ?? ''}`)) return 'malformed';
  return 'other';
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const msg = (e?.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  return e?.name && !msg.startsWith(e.name) ? `${e.name}: ${msg}` : msg;
}

export class LiveCalls {
  readonly inputs = new Map<string, InputRecord>();
  readonly failures: CallFailure[] = [];
  /** IAM actions actually called, for the policy test and the report. */
  readonly actions = new Set<string>();

  private record(action: string, region: string): InputRecord {
    const path = `live:${region}/${action}`;
    let r = this.inputs.get(path);
    if (!r) {
      r = { path, kind: 'live', status: 'processed', records: 0, sha256: null };
      this.inputs.set(path, r);
    }
    return r;
  }

  /** Records inside a reply that could not be used (an unparsable query result, a deleted item). */
  skip(action: string, region: string, count: number, reason: string, first?: string): void {
    if (count <= 0) return;
    const rec = this.record(action, region);
    rec.records = Math.max(0, rec.records - count);
    const s = (rec.skippedRecords ??= []).find((x) => x.reason === reason);
    if (s) s.count += count;
    else rec.skippedRecords.push({ count, reason, ...(first ? { first } : {}) });
  }

  /**
   * Run one AWS call. `count` says how many records the reply carried. Returns undefined on
   * failure; `expected` lists failure kinds that are answers, not errors (Security Hub's
   * InvalidAccessException means "not enabled").
   */
  async run<T>(action: string, region: string, call: () => Promise<T>, count: (r: T) => number, expected: FailureKind[] = []): Promise<T | { failed: CallFailure }> {
    this.actions.add(action);
    const rec = this.record(action, region);
    try {
      const out = await call();
      rec.records += count(out);
      return out;
    } catch (err) {
      const kind = classify(err);
      const failure: CallFailure = {
        kind,
        action,
        region,
        reason: kind === 'access-denied' ? `access denied: the scan needs ${action} (${describe(err)})` : describe(err),
      };
      if (!expected.includes(kind)) {
        rec.status = 'error';
        rec.reason = rec.reason ? `${rec.reason}; ${failure.reason}` : failure.reason;
        this.failures.push(failure);
      }
      return { failed: failure };
    }
  }
}

export function failed<T>(r: T | { failed: CallFailure }): r is { failed: CallFailure } {
  return typeof r === 'object' && r !== null && 'failed' in r && typeof (r as { failed: unknown }).failed === 'object';
}

/** Follow NextToken pages until the service stops returning one (or repeats itself). */
export async function allPages<T>(
  calls: LiveCalls,
  action: string,
  region: string,
  page: (token: string | undefined) => Promise<T>,
  items: (r: T) => unknown[],
  next: (r: T) => string | undefined,
): Promise<{ items: unknown[]; failure?: CallFailure }> {
  const out: unknown[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < 10000; i++) {
    const r = await calls.run(action, region, () => page(token), (x) => items(x).length);
    if (failed(r)) return { items: out, failure: r.failed };
    out.push(...items(r));
    token = next(r);
    if (!token || seen.has(token)) break;
    seen.add(token);
  }
  return { items: out };
}
