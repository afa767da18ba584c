import { gunzipSync } from 'node:zlib';
import type { CloudTrailRecord, LocatedRecord } from '../model/event';
import type { InputRecord } from '../model/input';
import type { ObjectStore } from '../model/object-store';
import { describeJsonError } from '../util/json-position';
import { LiveCalls, failed } from '../resources/live-calls';
import { isGzip } from '../util/gzip';
import { sha256Hex } from '../util/hash';

/**
 * Event sources for scheduled scans: CloudTrail Event History (`cloudtrail:lookup`) and the
 * CloudTrail archive in S3 (`s3://bucket/prefix`). Both yield LocatedRecords for the event scan
 * and account for what they read in `inputs`.
 */

export interface LookupOptions {
  regions: string[];
  since?: Date;
  until?: Date;
  endpoint?: string;
  maxAttempts?: number;
  /** AWS throttles LookupEvents to about 2 calls a second per account and region. */
  callsPerSecond?: number;
  /** Injected in tests; the real one waits. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const DAY = 86_400_000;

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Spaces calls so that no more than `perSecond` start in any second, per region. The SDK's retry
 * handles the throttling that slips through (another tool using the same account, for one).
 */
export class CallSpacer {
  private last = new Map<string, number>();
  constructor(
    private readonly perSecond: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number,
  ) {}

  async wait(key: string): Promise<void> {
    const gap = 1000 / this.perSecond;
    const prev = this.last.get(key);
    const t = this.now();
    if (prev !== undefined && t - prev < gap) {
      await this.sleep(gap - (t - prev));
      this.last.set(key, prev + gap);
    } else this.last.set(key, t);
  }
}

/** The last 90 days (or since/until) of management events from Event History, every page, every region. */
export async function* readLookupEvents(opts: LookupOptions, inputs: InputRecord[]): AsyncGenerator<LocatedRecord> {
  const m = { cloudtrail: await import('@aws-sdk/client-cloudtrail') };
  const now = opts.now ?? Date.now;
  const spacer = new CallSpacer(opts.callsPerSecond ?? 2, opts.sleep ?? defaultSleep, now);
  const until = opts.until ?? new Date(now());
  const since = opts.since ?? new Date(until.getTime() - 90 * DAY);
  const calls = new LiveCalls();
  for (const region of opts.regions) {
    const client = new m.cloudtrail.CloudTrailClient({ region, maxAttempts: opts.maxAttempts ?? 8, retryMode: 'standard', ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
    const path = `cloudtrail:lookup/${region}`;
    const rec: InputRecord = { path, kind: 'live', status: 'processed', records: 0, sha256: null };
    let bad = 0;
    let firstBad: string | undefined;
    let token: string | undefined;
    let index = 0;
    const seen = new Set<string>();
    try {
      for (;;) {
        await spacer.wait(region);
        const page = await calls.run(
          'cloudtrail:LookupEvents',
          region,
          () => client.send(new m.cloudtrail.LookupEventsCommand({ StartTime: since, EndTime: until, MaxResults: 50, NextToken: token })),
          (x) => x.Events?.length ?? 0,
        );
        if (failed(page)) {
          rec.status = 'error';
          rec.reason = page.failed.reason;
          break;
        }
        for (const e of page.Events ?? []) {
          const i = index++;
          let record: unknown;
          try {
            record = JSON.parse(e.CloudTrailEvent ?? '');
          } catch (err) {
            bad++;
            firstBad ??= `event ${e.EventId ?? i}: ${describeJsonError(err, e.CloudTrailEvent ?? '').message}`;
            continue;
          }
          if (!record || typeof record !== 'object' || Array.isArray(record)) {
            bad++;
            firstBad ??= `event ${e.EventId ?? i}: CloudTrailEvent is not a JSON object`;
            continue;
          }
          rec.records++;
          yield { record: record as CloudTrailRecord, location: { path, index: i } };
        }
        token = page.NextToken;
        if (!token || seen.has(token)) break;
        seen.add(token);
      }
    } finally {
      client.destroy();
      if (bad > 0) rec.skippedRecords = [{ count: bad, reason: 'CloudTrailEvent is not valid JSON', first: firstBad }];
      inputs.push(rec);
    }
  }
}

export interface ArchiveOptions {
  accounts?: string[];
  regions?: string[];
  since?: Date;
  until?: Date;
}

/** `s3://bucket/prefix` -> bucket and prefix (no leading slash, trailing slash kept off). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) return undefined;
  return { bucket: m[1], prefix: m[2].replace(/\/+$/, '') };
}

function dates(since: Date, until: Date): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  while (d.getTime() <= until.getTime() && out.length < 3700) {
    out.push(`${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`);
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/**
 * The CloudTrail folders under `prefix/AWSLogs/[o-id/]<account>/CloudTrail/<region>/`, narrowed
 * by account and region before listing, then by date folder (`--since`/`--until`), so a scan of
 * yesterday in one region lists one folder, not the bucket.
 */
async function regionFolders(store: ObjectStore, bucket: string, prefix: string, o: ArchiveOptions): Promise<string[]> {
  const root = `${prefix ? `${prefix}/` : ''}AWSLogs/`;
  const out: string[] = [];
  const accountFolders = async (under: string): Promise<string[]> => {
    const found: string[] = [];
    for (const f of await store.listFolders(bucket, under)) {
      const name = f.slice(under.length, -1);
      if (/^o-[a-z0-9]+$/.test(name)) found.push(...(await accountFolders(f)));
      else if (/^\d{12}$/.test(name) && (!o.accounts || o.accounts.length === 0 || o.accounts.includes(name))) found.push(f);
    }
    return found;
  };
  for (const acct of await accountFolders(root)) {
    const trailRoot = `${acct}CloudTrail/`;
    for (const r of await store.listFolders(bucket, trailRoot)) {
      const region = r.slice(trailRoot.length, -1);
      if (!o.regions || o.regions.length === 0 || o.regions.includes(region)) out.push(r);
    }
  }
  return out;
}

/** CloudTrail log files from an S3 archive, each object one input. */
export async function* readArchiveEvents(store: ObjectStore, uri: string, o: ArchiveOptions, inputs: InputRecord[]): AsyncGenerator<LocatedRecord> {
  const loc = parseS3Uri(uri);
  if (!loc) {
    inputs.push({ path: uri, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: 'not an s3://bucket/prefix URI' });
    return;
  }
  let folders: string[];
  try {
    folders = await regionFolders(store, loc.bucket, loc.prefix, o);
  } catch (e) {
    inputs.push({ path: uri, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: (e as Error).message });
    return;
  }
  if (folders.length === 0) {
    inputs.push({ path: uri, kind: 'cloudtrail-log', status: 'skipped', records: 0, sha256: null, reason: 'no AWSLogs/<account>/CloudTrail/<region>/ folder matches' });
    return;
  }
  const days = o.since || o.until ? dates(o.since ?? new Date((o.until ?? new Date()).getTime() - 90 * DAY), o.until ?? new Date()) : undefined;
  for (const folder of folders) {
    const prefixes = days ? days.map((d) => `${folder}${d}/`) : [folder];
    for (const p of prefixes) {
      for await (const key of store.listKeys(loc.bucket, p)) {
        if (!/\.json(\.gz)?$/.test(key)) continue;
        yield* readObject(store, loc.bucket, key, o, inputs);
      }
    }
  }
}

async function* readObject(store: ObjectStore, bucket: string, key: string, o: ArchiveOptions, inputs: InputRecord[]): AsyncGenerator<LocatedRecord> {
  const path = store.locate(bucket, key);
  let body: Buffer;
  try {
    const obj = await store.get(bucket, key);
    if (!obj) {
      inputs.push({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: 'listed but no longer there' });
      return;
    }
    body = obj.body;
  } catch (e) {
    inputs.push({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: (e as Error).message });
    return;
  }
  const sha256 = sha256Hex(body);
  let text: string;
  try {
    text = isGzip(body) ? gunzipSync(body).toString('utf8') : body.toString('utf8');
  } catch (e) {
    inputs.push({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256, bytes: body.length, reason: `cannot gunzip: ${(e as Error).message}` });
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    inputs.push({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256, bytes: body.length, reason: `invalid JSON: ${describeJsonError(e, text).message}` });
    return;
  }
  const records = doc && typeof doc === 'object' && Array.isArray((doc as { Records?: unknown }).Records) ? ((doc as { Records: unknown[] }).Records) : undefined;
  if (!records) {
    inputs.push({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256, bytes: body.length, reason: 'not a CloudTrail log file ({"Records":[...]})' });
    return;
  }
  const rec: InputRecord = { path, kind: 'cloudtrail-log', status: 'processed', records: 0, sha256, bytes: body.length };
  inputs.push(rec);
  const since = o.since?.getTime();
  const until = o.until?.getTime();
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as CloudTrailRecord;
    if (!r || typeof r !== 'object') continue;
    const t = typeof r.eventTime === 'string' ? Date.parse(r.eventTime) : NaN;
    // date folders are UTC days: trim the edges to the exact window
    if ((since !== undefined && t < since) || (until !== undefined && t > until)) continue;
    rec.records++;
    yield { record: r, location: { path, index: i } };
  }
}

export interface LiveEventSourceOptions extends ArchiveOptions {
  endpoint?: string;
  maxAttempts?: number;
}

/** `cloudtrail:lookup` or `s3://bucket/prefix`: the live event sources `--events` accepts. */
export function isLiveEventSource(spec: string): boolean {
  return spec === 'cloudtrail:lookup' || spec.startsWith('s3://');
}

/**
 * Read one live event source; the scan command calls this for `--events` values that are not
 * local paths. Regions default to the SDK chain's region for Event History; the archive reads
 * every region unless narrowed.
 */
export async function* readLiveEventSource(spec: string, o: LiveEventSourceOptions, inputs: InputRecord[]): AsyncGenerator<LocatedRecord> {
  if (spec === 'cloudtrail:lookup') {
    let regions = o.regions ?? [];
    if (regions.length === 0) {
      const { sdk, defaultRegion } = await import('../resources/live-clients');
      const r = await defaultRegion(await sdk());
      regions = r ? [r] : [];
    }
    if (regions.length === 0) {
      inputs.push({ path: spec, kind: 'live', status: 'error', records: 0, sha256: null, reason: 'no region: pass --region or set AWS_REGION' });
      return;
    }
    yield* readLookupEvents({ regions, since: o.since, until: o.until, endpoint: o.endpoint, maxAttempts: o.maxAttempts }, inputs);
    return;
  }
  const s3 = await import('@aws-sdk/client-s3');
  const { S3ObjectStore } = await import('./s3-object-store');
  // a custom endpoint (tests, S3-compatible stores) rarely resolves virtual-hosted bucket names
  const client = new s3.S3Client({ maxAttempts: o.maxAttempts ?? 8, ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}) });
  try {
    yield* readArchiveEvents(new S3ObjectStore(s3, client), spec, o, inputs);
  } finally {
    client.destroy();
  }
}
