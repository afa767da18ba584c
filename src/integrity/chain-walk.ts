import { type ChainId, chainKey, type DigestKey, digestKeyFor, parseDigestKey } from './key-layout';
import type { DigestCheck } from './digest-check';
import type { DigestContent } from './digest-file';
import type { ChainCoverage, DigestOutcome, GapOutcome } from './results';

const HOUR = 3_600_000;

export type ValidDigest = Extract<DigestCheck, { state: 'valid' }> & { dk: DigestKey; bucket: string; outcome: DigestOutcome };

export interface WalkContext {
  start: Date;
  locate(bucket: string, key: string): string;
  /** Load and check one digest (checkDigest bound to the store and the keys). */
  check(bucket: string, dk: DigestKey): Promise<DigestCheck>;
  /** A digest verified: its log files can be checked. */
  onValid(d: ValidDigest): void;
  report(o: DigestOutcome): void;
  gap(g: GapOutcome): void;
}

/**
 * One chain, newest to oldest, the way aws-cli walks it (spec A.7), with what it skips:
 *  - each previous-digest link is checked against the digest found there (hash, signature,
 *    and that the windows join);
 *  - after a missing or invalid digest the walk resumes from the listing as aws-cli does, but the
 *    time the skipped stretch spans is counted in hours, so two deleted digests in a row are two
 *    findings (aws-cli #7054), the second with a predicted key;
 *  - listed digests the walk never reached are checked too and reported as off the chain.
 * `listed` holds this chain's keys (all standard or all backfill), ascending by time.
 */
export async function walkChain(ctx: WalkContext, chain: ChainId, bucket: string, listed: DigestKey[], backfill: boolean): Promise<ChainCoverage> {
  const coverage: ChainCoverage = { chain, backfill, listed: listed.length, validDigests: 0, from: null, to: null };
  const visited = new Set<string>();
  let ptr = listed.length - 1;
  const nextListedOlder = (stamp: string): DigestKey | undefined => {
    while (ptr >= 0 && (listed[ptr].stamp >= stamp || visited.has(listed[ptr].key))) ptr--;
    return ptr >= 0 ? listed[ptr] : undefined;
  };

  const outcome = (dk: DigestKey, location: string): DigestOutcome => ({ chain, bucket, key: dk.key, location, backfill, valid: true, reasons: [] });
  const addReason = (o: DigestOutcome, code: DigestOutcome['reasons'][number]['code'], message: string): void => {
    o.valid = false;
    o.reasons.push({ code, message });
  };

  /** The last valid digest whose link was followed, and what was skipped since (missing or invalid). */
  let pending: { newer: ValidDigest; skipped: Date[] } | null = null;
  let cur: { dk: DigestKey; bucket: string; via?: ValidDigest } | undefined = listed.length ? { dk: listed[listed.length - 1], bucket } : undefined;
  let lastStart = cur ? cur.dk.endTime.getTime() : 0;

  while (cur && lastStart >= ctx.start.getTime()) {
    const { dk, via } = cur;
    visited.add(dk.key);
    const res = await ctx.check(cur.bucket, dk);
    if (res.state !== 'valid') {
      const o = outcome(dk, res.location);
      if (res.state === 'missing') addReason(o, 'not-found', via ? `not found (the previous digest named by ${via.dk.key})` : 'not found');
      else for (const r of res.reasons) addReason(o, r.code, r.message);
      ctx.report(o);
      pending?.skipped.push(dk.endTime);
      cur = nextOrNull(nextListedOlder(dk.stamp), bucket);
      continue;
    }

    const o = outcome(dk, res.location);
    o.startTime = res.content.digestStartTime;
    o.endTime = res.content.digestEndTime;
    o.logFiles = res.content.logFiles.length;
    o.fingerprint = res.fingerprint;
    o.bytes = res.bytes;
    o.storedSha256 = res.storedSha256;
    ctx.report(o);
    const v: ValidDigest = { ...res, dk, bucket: cur.bucket, outcome: o };

    if (via) checkLink(via, v, backfill, addReason);
    else if (pending && !backfill) inferUnlisted(pending, v, chain, bucket, ctx);
    pending = null;

    coverage.validDigests++;
    if (!coverage.from || res.content.digestStartTime < coverage.from) coverage.from = res.content.digestStartTime;
    if (!coverage.to || res.content.digestEndTime > coverage.to) coverage.to = res.content.digestEndTime;
    lastStart = Date.parse(res.content.digestStartTime);
    ctx.onValid(v);

    const { previousDigestS3Bucket: pb, previousDigestS3Object: pk } = res.content;
    if (pb === null || pk === null) {
      // A signed starting digest: logging or validation was off before it (spec A.2).
      const older = nextListedOlder(dk.stamp);
      if (older && !backfill) {
        ctx.gap({ chain, bucket, backfill, newerKey: dk.key, olderKey: older.key, from: older.endTime.toISOString().replace('.000Z', 'Z'), to: res.content.digestStartTime });
      }
      cur = nextOrNull(older, bucket);
      continue;
    }
    const pdk = parseDigestKey(pk);
    if (!pdk || chainKey(pdk) !== chainKey(chain) || pdk.backfill !== backfill || visited.has(pk) || pk >= dk.key) {
      addReason(o, 'bad-link', `previous-digest link s3://${pb}/${pk} does not name an older digest of this chain`);
      cur = nextOrNull(nextListedOlder(dk.stamp), bucket);
      continue;
    }
    cur = { dk: pdk, bucket: pb, via: v };
    pending = { newer: v, skipped: [] };
  }

  // Listed digests in range that no link and no gap led to: forged, or a chain that forks.
  for (const dk of listed) {
    if (visited.has(dk.key) || dk.endTime.getTime() < ctx.start.getTime()) continue;
    const res = await ctx.check(bucket, dk);
    const o = outcome(dk, res.location);
    addReason(o, 'not-on-chain', 'not reachable from the newest digest through previous-digest links');
    if (res.state === 'missing') addReason(o, 'not-found', 'not found');
    else if (res.state === 'invalid') for (const r of res.reasons) addReason(o, r.code, r.message);
    else {
      o.startTime = res.content.digestStartTime;
      o.endTime = res.content.digestEndTime;
      o.logFiles = res.content.logFiles.length;
      ctx.onValid({ ...res, dk, bucket, outcome: o });
    }
    ctx.report(o);
  }
  return coverage;
}

function nextOrNull(dk: DigestKey | undefined, bucket: string): { dk: DigestKey; bucket: string } | undefined {
  return dk ? { dk, bucket } : undefined;
}

/** What the newer digest says about its predecessor must be what was found there. */
function checkLink(newer: ValidDigest, prev: ValidDigest, backfill: boolean, addReason: (o: DigestOutcome, code: DigestOutcome['reasons'][number]['code'], message: string) => void): void {
  const n: DigestContent = newer.content;
  if ((n.previousDigestHashAlgorithm ?? 'SHA-256').toUpperCase() !== 'SHA-256') {
    addReason(newer.outcome, 'chain-hash-mismatch', `previousDigestHashAlgorithm "${n.previousDigestHashAlgorithm}" is not SHA-256`);
  } else if ((n.previousDigestHashValue ?? '').toLowerCase() !== prev.inflatedSha256) {
    addReason(newer.outcome, 'chain-hash-mismatch', `previousDigestHashValue ${n.previousDigestHashValue} does not match ${prev.dk.key} (SHA-256 ${prev.inflatedSha256})`);
  }
  if ((n.previousDigestSignature ?? '').toLowerCase() !== prev.signature) {
    addReason(newer.outcome, 'chain-signature-mismatch', `previousDigestSignature does not match the signature of ${prev.dk.key}`);
  }
  if (!backfill && prev.content.digestEndTime !== n.digestStartTime) {
    addReason(newer.outcome, 'window-hole', `window starts at ${n.digestStartTime} but the previous digest ends at ${prev.content.digestEndTime}`);
  }
}

/**
 * The walk skipped from `pending.newer` past missing or invalid digests to `older`, found through
 * the listing. Digests come hourly, so the hours between them say how many should be there; the
 * ones neither found nor reported are deleted digests the listing no longer shows.
 */
function inferUnlisted(pending: { newer: ValidDigest; skipped: Date[] }, older: ValidDigest, chain: ChainId, bucket: string, ctx: WalkContext): void {
  const from = Date.parse(older.content.digestEndTime);
  const to = Date.parse(pending.newer.content.digestStartTime);
  const windows = Math.round((to - from) / HOUR);
  let extra = windows - pending.skipped.length;
  for (let k = 1; k <= windows && extra > 0; k++) {
    const end = new Date(from + k * HOUR);
    if (pending.skipped.some((s) => Math.abs(s.getTime() - end.getTime()) < HOUR / 2)) continue;
    extra--;
    const key = digestKeyFor(chain, end);
    ctx.report({
      chain,
      bucket,
      key,
      location: ctx.locate(bucket, key),
      backfill: false,
      valid: false,
      estimated: true,
      reasons: [
        {
          code: 'not-found-unlisted',
          message: `not found: no digest covers ${new Date(end.getTime() - HOUR).toISOString().replace('.000Z', 'Z')} to ${end.toISOString().replace('.000Z', 'Z')} between ${older.dk.key} and ${pending.newer.dk.key} (key predicted)`,
        },
      ],
    });
  }
}
