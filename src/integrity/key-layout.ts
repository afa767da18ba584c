/**
 * CloudTrail's S3 key layout (spec A.1). Everything the validator knows about a file's account,
 * region, trail and organization comes from here: the digest's own JSON is untrusted until its
 * signature checks out, and the key is what S3 listed.
 */

/** Which files belong to one digest chain: one trail, one delivering region, one account. */
export interface ChainId {
  /** The trail's S3KeyPrefix, without the trailing slash; '' when none. */
  prefix: string;
  orgId: string | null;
  account: string;
  sourceRegion: string;
  trailName: string;
  homeRegion: string;
}

export interface DigestKey extends ChainId {
  key: string;
  /** `YYYYMMDDTHHMMSSZ` from the name: the digest end time. */
  stamp: string;
  endTime: Date;
  backfill: boolean;
}

export interface LogKey {
  key: string;
  prefix: string;
  orgId: string | null;
  account: string;
  region: string;
  /** `YYYYMMDDTHHmmZ` from the name. */
  stamp: string;
  time: Date;
}

const ACCT = '(\\d{12})';
const REGION = '([a-z]{2}(?:-[a-z0-9]+)+)';
const ORG = '(?:(o-[a-z0-9]{10,32})/)?';
const DATE_DIRS = '(\\d{4})/(\\d{2})/(\\d{2})';

// The trail name may contain '_' (CloudTrail allows it), so the home region is found from the
// right: the name ends `_<homeRegion>_<stamp>[_backfill].json.gz`.
const DIGEST_RE = new RegExp(
  `^(?:(.*)/)?AWSLogs/${ORG}${ACCT}/CloudTrail-Digest/${REGION}/${DATE_DIRS}/` +
    `\\3_CloudTrail-Digest_\\4_(.+)_${REGION}_(\\d{8}T\\d{6}Z)(_backfill)?\\.json\\.gz$`,
);

const LOG_RE = new RegExp(
  `^(?:(.*)/)?AWSLogs/${ORG}${ACCT}/CloudTrail/${REGION}/${DATE_DIRS}/` +
    `\\3_CloudTrail_\\4_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json\\.gz$`,
);

/** `20150901T201728Z` or `20150901T1925Z` to a Date; undefined when not a real instant. */
function parseStamp(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/.exec(stamp);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0));
  // Date.UTC rolls month 13 into the next year; a stamp that does not round-trip is not a time.
  if (Number.isNaN(d.getTime()) || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3] || d.getUTCHours() !== +m[4]) return undefined;
  if (d.getUTCMinutes() !== +m[5] || d.getUTCSeconds() !== (m[6] ? +m[6] : 0)) return undefined;
  return d;
}

/** The digest-name stamp for an instant (second resolution). */
function formatStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function parseDigestKey(key: string): DigestKey | undefined {
  const m = DIGEST_RE.exec(key);
  if (!m) return undefined;
  const [, prefix, orgId, account, sourceRegion, , , , trailName, homeRegion, stamp, backfill] = m;
  const endTime = parseStamp(stamp);
  if (!endTime) return undefined;
  return {
    key,
    prefix: prefix ?? '',
    orgId: orgId ?? null,
    account,
    sourceRegion,
    trailName,
    homeRegion,
    stamp,
    endTime,
    backfill: backfill !== undefined,
  };
}

export function parseLogKey(key: string): LogKey | undefined {
  const m = LOG_RE.exec(key);
  if (!m) return undefined;
  const [, prefix, orgId, account, region, , , , stamp] = m;
  const time = parseStamp(stamp);
  if (!time) return undefined;
  return { key, prefix: prefix ?? '', orgId: orgId ?? null, account, region, stamp, time };
}

/** `[prefix/]AWSLogs/[o-id/]<acct>/` */
export function accountRoot(prefix: string, orgId: string | null, account: string): string {
  return `${prefix ? `${prefix}/` : ''}AWSLogs/${orgId ? `${orgId}/` : ''}${account}/`;
}

export function digestRegionRoot(prefix: string, orgId: string | null, account: string, region: string): string {
  return `${accountRoot(prefix, orgId, account)}CloudTrail-Digest/${region}/`;
}

export function logRegionRoot(prefix: string, orgId: string | null, account: string, region: string): string {
  return `${accountRoot(prefix, orgId, account)}CloudTrail/${region}/`;
}

/** `YYYY/MM/DD/` folder of an instant, as both log and digest keys use. */
export function dateFolder(d: Date): string {
  return `${d.toISOString().slice(0, 10).replace(/-/g, '/')}/`;
}

/** The key CloudTrail would give a digest of `chain` ending at `end`; used to name a missing one. */
export function digestKeyFor(chain: ChainId, end: Date, backfill = false): string {
  const stamp = formatStamp(end);
  return (
    digestRegionRoot(chain.prefix, chain.orgId, chain.account, chain.sourceRegion) +
    dateFolder(end) +
    `${chain.account}_CloudTrail-Digest_${chain.sourceRegion}_${chain.trailName}_${chain.homeRegion}_${stamp}` +
    `${backfill ? '_backfill' : ''}.json.gz`
  );
}

export function chainKey(c: ChainId): string {
  return [c.prefix, c.orgId ?? '', c.account, c.sourceRegion, c.trailName, c.homeRegion].join('|');
}
