import type { ObjectStore } from '../model/object-store';
import { dateFolder, logRegionRoot, parseLogKey } from './key-layout';
import type { AccountScope } from './discover';
import type { LogOutcome } from './results';

const DAY = 86_400_000;
/** A file delivered this close to the newest digest's end may be in the next digest, not yet delivered. */
const DELIVERY_SLACK = 15 * 60_000;

/**
 * Log files under `CloudTrail/<region>/` named inside [start, end] that no validly signed digest
 * lists. aws-cli never looks (spec A.7): a file slipped into the bucket, or delivered while
 * validation was off, is unverifiable. Files newer than what the digests cover are 'pending'.
 *
 * `coveredUntil` is the latest valid digest end for this account and region (any trail), or
 * undefined when there is none.
 */
export async function* findUncoveredLogs(
  store: ObjectStore,
  bucket: string,
  a: AccountScope,
  region: string,
  start: Date,
  end: Date,
  isCovered: (bucket: string, key: string) => boolean,
  coveredUntil: Date | undefined,
): AsyncIterable<LogOutcome> {
  const root = logRegionRoot(a.prefix, a.orgId, a.account, region);
  const startAfter = root + dateFolder(new Date(start.getTime() - DAY)).slice(0, -1);
  const lastFolder = dateFolder(new Date(end.getTime() + DAY));
  for await (const key of store.listKeys(bucket, root, startAfter)) {
    if (key.slice(root.length, root.length + 11) > lastFolder) break;
    const lk = parseLogKey(key);
    if (!lk || lk.time < start || lk.time > end) continue;
    if (isCovered(bucket, key)) continue;
    const pending = !coveredUntil || lk.time.getTime() > coveredUntil.getTime() - DELIVERY_SLACK;
    // No digest at all for this account and region is not "pending": validation was never on.
    const pendingForReal = pending && coveredUntil !== undefined;
    yield {
      bucket,
      key,
      location: store.locate(bucket, key),
      account: lk.account,
      region: lk.region,
      status: pendingForReal ? 'pending' : 'invalid',
      listedBy: [],
      reasons: [
        {
          code: 'uncovered',
          message: pendingForReal
            ? `not listed by any digest yet: delivered after the newest digest (${coveredUntil!.toISOString().replace('.000Z', 'Z')})`
            : coveredUntil
              ? 'not listed by any validly signed digest'
              : `not listed by any digest: no valid digest found for account ${lk.account} in ${lk.region}`,
        },
      ],
    };
  }
}
