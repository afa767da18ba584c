/**
 * Recognise CloudTrail's S3 key layout (spec A.1) in a path, so a local copy of a trail bucket is
 * read the way CloudTrail wrote it: log files as events, digests left to validate-logs.
 */

export type AwsLogsFolder = 'CloudTrail' | 'CloudTrail-Digest' | 'CloudTrail-Insight';

export interface AwsLogsKey {
  folder: AwsLogsFolder;
  account: string;
  /** Organization trails put `o-xxxx` between `AWSLogs/` and the account. */
  organizationId?: string;
  region: string;
  /** `YYYY/MM/DD` from the date folders, when present. */
  date?: string;
}

const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const FOLDERS: readonly string[] = ['CloudTrail', 'CloudTrail-Digest', 'CloudTrail-Insight'];
const DIGEST_NAME = /^\d{12}_CloudTrail-Digest_[^_]+_.+_\d{8}T\d{6}Z(?:_backfill)?\.json(?:\.gz)?$/;

/** Parse the `AWSLogs/[o-id/]<acct>/<folder>/<region>/YYYY/MM/DD/...` part of a path, if any. */
export function parseAwsLogsPath(path: string): AwsLogsKey | undefined {
  const parts = path.split(/[\\/]+/);
  // lastIndexOf with fromIndex -1 would wrap around to the end: stop at 0 explicitly.
  for (let i = parts.lastIndexOf('AWSLogs'); i >= 0; i = i > 0 ? parts.lastIndexOf('AWSLogs', i - 1) : -1) {
    let j = i + 1;
    let organizationId: string | undefined;
    if (ORG.test(parts[j] ?? '')) organizationId = parts[j++];
    const account = parts[j];
    const folder = parts[j + 1];
    const region = parts[j + 2];
    // The region folder must be followed by at least a file name.
    if (!ACCOUNT.test(account ?? '') || !FOLDERS.includes(folder ?? '') || !region || j + 3 >= parts.length) continue;
    const [y, m, d] = parts.slice(j + 3, j + 6);
    const date = /^\d{4}$/.test(y ?? '') && /^\d\d$/.test(m ?? '') && /^\d\d$/.test(d ?? '') ? `${y}/${m}/${d}` : undefined;
    return { folder: folder as AwsLogsFolder, account, organizationId, region, date };
  }
  return undefined;
}

/** A digest file, by folder or by CloudTrail's digest file name (copies often lose the folders). */
export function isDigestPath(path: string): boolean {
  const key = parseAwsLogsPath(path);
  if (key?.folder === 'CloudTrail-Digest') return true;
  const name = path.split(/[\\/]+/).pop() ?? '';
  return DIGEST_NAME.test(name);
}
