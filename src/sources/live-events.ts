import type { CloudTrailRecord, LocatedRecord } from '../model/event';
import type { EventReadOptions } from '../model/event-source';
import type { InputRecord } from '../model/input';
import type { ObjectStore } from '../model/object-store';
import { describeJsonError } from '../util/json-position';
import { readCloudTrailObject } from './cloudtrail-files';
import { isEventFileName } from './discover';
import { LiveCalls, failed } from '../resources/live-calls';

/**
 * Event sources for scheduled scans: CloudTrail Event History (`cloudtrail:lookup`) and the
 * CloudTrail archive in S3 (`s3://bucket/prefix`), the two EventSources of event-sources.ts besides
 * local files. Both yield LocatedRecords for the event scan and account for each input they read
 * through onInput; the archive's objects go through the same reader as files on disk.
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
export async function* readLookupEvents(opts: LookupOptions, onInput: (input: InputRecord) => void): AsyncGenerator<LocatedRecord[]> {
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
        const batch: LocatedRecord[] = [];
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
          batch.push({ record: record as CloudTrailRecord, location: { path, index: i } });
        }
        if (batch.length > 0) yield batch;
        token = page.NextToken;
        if (!token || seen.has(token)) break;
        seen.add(token);
      }
    } finally {
      client.destroy();
      if (bad > 0) rec.skippedRecords = [{ count: bad, reason: 'CloudTrailEvent is not valid JSON', first: firstBad }];
      onInput(rec);
    }
  }
}

/** What the live sources are asked: everything but stdin. */
export type LiveEventOptions = Omit<EventReadOptions, 'stdin'>;

/** Which folders of an archive are read: a scan of yesterday in one region lists one folder. */
export type ArchiveOptions = Pick<EventReadOptions, 'accounts' | 'regions' | 'window'>;

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

/**
 * CloudTrail log files from an S3 archive, each object one input, read by the file reader on the
 * object's bytes (limits, shapes, record screen and accounting as for the same file on disk); the
 * window trims the records of the first and last date folder.
 */
export async function* readArchiveEvents(store: ObjectStore, uri: string, opts: LiveEventOptions): AsyncGenerator<LocatedRecord[]> {
  const fail = (status: 'error' | 'skipped', reason: string) => opts.onInput({ path: uri, kind: 'cloudtrail-log', status, records: 0, sha256: null, reason });
  const loc = parseS3Uri(uri);
  if (!loc) return fail('error', 'not an s3://bucket/prefix URI');
  let folders: string[];
  try {
    folders = await regionFolders(store, loc.bucket, loc.prefix, opts);
  } catch (e) {
    return fail('error', (e as Error).message);
  }
  if (folders.length === 0) return fail('skipped', 'no AWSLogs/<account>/CloudTrail/<region>/ folder matches');
  const { since, until } = opts.window ?? {};
  const days = since || until ? dates(since ?? new Date((until ?? new Date()).getTime() - 90 * DAY), until ?? new Date()) : undefined;
  for (const folder of folders) {
    const prefixes = days ? days.map((d) => `${folder}${d}/`) : [folder];
    for (const p of prefixes) {
      for await (const key of store.listKeys(loc.bucket, p)) {
        // The names a directory walk reads; hidden ones are not CloudTrail's.
        const name = key.slice(key.lastIndexOf('/') + 1);
        if (name.startsWith('.') || !isEventFileName(name)) continue;
        yield* readObject(store, loc.bucket, key, opts);
      }
    }
  }
}

async function* readObject(store: ObjectStore, bucket: string, key: string, opts: LiveEventOptions): AsyncGenerator<LocatedRecord[]> {
  const path = store.locate(bucket, key);
  let body: Buffer;
  try {
    const obj = await store.get(bucket, key);
    if (!obj) {
      opts.onInput({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: 'listed but no longer there' });
      return;
    }
    body = obj.body;
  } catch (e) {
    opts.onInput({ path, kind: 'cloudtrail-log', status: 'error', records: 0, sha256: null, reason: (e as Error).message });
    return;
  }
  yield* readCloudTrailObject(path, body, opts);
}

/**
 * `cloudtrail:lookup`: Event History in each region; regions default to the SDK chain's region.
 */
export async function* readEventHistory(opts: LiveEventOptions): AsyncGenerator<LocatedRecord[]> {
  let regions = opts.regions ?? [];
  if (regions.length === 0) {
    const { sdk, defaultRegion } = await import('../resources/live-clients');
    const r = await defaultRegion(await sdk());
    regions = r ? [r] : [];
  }
  if (regions.length === 0) {
    opts.onInput({ path: 'cloudtrail:lookup', kind: 'live', status: 'error', records: 0, sha256: null, reason: 'no region: pass --region or set AWS_REGION' });
    return;
  }
  yield* readLookupEvents({ regions, since: opts.window?.since, until: opts.window?.until, endpoint: opts.endpoint, maxAttempts: opts.maxAttempts }, opts.onInput);
}

/** `s3://bucket/prefix`: the archive through the S3 API, every region unless narrowed. */
export async function* readS3Archive(uri: string, opts: LiveEventOptions): AsyncGenerator<LocatedRecord[]> {
  const s3 = await import('@aws-sdk/client-s3');
  const { S3ObjectStore } = await import('./s3-object-store');
  // a custom endpoint (tests, S3-compatible stores) rarely resolves virtual-hosted bucket names
  const client = new s3.S3Client({ maxAttempts: opts.maxAttempts ?? 8, ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}) });
  try {
    yield* readArchiveEvents(new S3ObjectStore(s3, client), uri, opts);
  } finally {
    client.destroy();
  }
}
