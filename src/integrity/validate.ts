import type { ObjectStore } from '../model/object-store';
import { type AccountScope, discoverAccounts, discoverRegions, type Filters, listDigestChains, type Chain } from './discover';
import { checkDigest } from './digest-check';
import { walkChain, type ValidDigest } from './chain-walk';
import { type KeyProvider, RegionKeyRings } from './key-provider';
import { createLimiter } from './limiter';
import { prefetching } from './digest-prefetch';
import { judgeLogFile, type LogRead, readLogFile } from './log-check';
import { parseLogKey } from './key-layout';
import { findUncoveredLogs } from './uncovered-logs';
import type { ChainCoverage, DigestOutcome, GapOutcome, LogOutcome, ValidationResult } from './results';

const HOUR = 3_600_000;

export interface ValidateOptions {
  store: ObjectStore;
  bucket: string;
  /** S3KeyPrefix without the trailing '/'; '' for none. */
  prefix: string;
  start: Date;
  end: Date;
  filters: Filters;
  keys: KeyProvider;
  /** Objects read at once; bounds memory (each holds one compressed file). */
  concurrency: number;
  /** List CloudTrail/ folders for log files no digest lists (aws-cli never does). */
  uncovered: boolean;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  digests: number;
  logsQueued: number;
  logsDone: number;
}

interface LogTask {
  bucket: string;
  key: string;
  expected: { hashValue: string; hashAlgorithm: string }[];
  listedBy: string[];
  read: Promise<LogRead>;
}

/**
 * Validate every digest chain under the bucket and prefix in [start, end], then the log files
 * their valid digests list, then look for log files none lists. Chains run side by side; every
 * object read goes through one limiter, so at most `concurrency` files are in memory.
 */
export async function validateLogs(o: ValidateOptions): Promise<ValidationResult> {
  const limit = createLimiter(Math.max(1, o.concurrency));
  const rings = new RegionKeyRings(o.keys);
  const result: ValidationResult = { bucket: o.bucket, prefix: o.prefix, start: o.start, end: o.end, digests: [], logs: [], gaps: [], chains: [], errors: [] };
  const progress: Progress = { digests: 0, logsQueued: 0, logsDone: 0 };
  const tick = (): void => o.onProgress?.(progress);
  // Digests delivered up to 2 hours after the end still list files delivered before it.
  const until = new Date(o.end.getTime() + 2 * HOUR);

  const accounts = await discoverAccounts(o.store, o.bucket, o.prefix, o.filters);
  const chains: Chain[] = [];
  const logScopes: { a: AccountScope; region: string }[] = [];
  await Promise.all(
    accounts.map(async (a) => {
      for (const region of await discoverRegions(o.store, o.bucket, a, 'CloudTrail-Digest', o.filters)) {
        const listed = await listDigestChains(o.store, o.bucket, a, region, o.start, until, o.filters);
        chains.push(...listed.chains);
        for (const k of listed.unparsed) result.errors.push({ location: o.store.locate(o.bucket, k), message: 'not a digest key of this layout; ignored', skipped: true });
      }
      if (o.uncovered) for (const region of await discoverRegions(o.store, o.bucket, a, 'CloudTrail', o.filters)) logScopes.push({ a, region });
    }),
  );

  // Keys per source region, once, padded as aws-cli does (spec A.4).
  const regions = [...new Set(chains.map((c) => c.id.sourceRegion))].sort();
  await Promise.all(regions.map((r) => rings.load(r, o.start, new Date(o.end.getTime() + 2 * HOUR))));
  for (const e of rings.errors) result.errors.push({ location: `ListPublicKeys ${e.region}`, message: e.message });
  for (const r of regions) {
    const ring = rings.ring(r);
    for (const p of ring.problems) result.errors.push({ location: `public key ${p.fingerprint} (${p.region ?? 'key file'})`, message: p.message });
    if (ring.size === 0 && !rings.errors.some((e) => e.region === r)) {
      result.errors.push({ location: `ListPublicKeys ${r}`, message: `No public keys found for region ${r} between ${o.start.toISOString()} and ${until.toISOString()}` });
    }
  }

  const logs = new Map<string, LogTask>();
  const claimedByInvalid = new Set<string>();
  const onValid = (d: ValidDigest): void => {
    for (const f of d.content.logFiles) {
      const id = `${f.s3Bucket}/${f.s3Object}`;
      let t = logs.get(id);
      if (!t) {
        const task: LogTask = { bucket: f.s3Bucket, key: f.s3Object, expected: [], listedBy: [], read: Promise.resolve({ state: 'missing' }) };
        task.read = limit(() => readLogFile(o.store, f.s3Bucket, f.s3Object)).then((r) => {
          progress.logsDone++;
          tick();
          return r;
        });
        logs.set(id, task);
        t = task;
        progress.logsQueued++;
      }
      if (!t.expected.some((e) => e.hashValue === f.hashValue && e.hashAlgorithm === f.hashAlgorithm)) t.expected.push({ hashValue: f.hashValue, hashAlgorithm: f.hashAlgorithm });
      if (!t.listedBy.includes(d.dk.key)) t.listedBy.push(d.dk.key);
    }
  };

  const coverage: ChainCoverage[] = await Promise.all(
    chains.map((c) =>
      walkChain(
        {
          start: o.start,
          locate: (b, k) => o.store.locate(b, k),
          check: prefetching(c.keys, o.bucket, o.concurrency, async (bucket, dk) => {
            const ring = rings.ring(dk.sourceRegion);
            const res = await limit(() =>
              checkDigest(
                {
                  store: o.store,
                  ring,
                  otherRings: new Map(regions.map((r) => [r, rings.ring(r)])),
                  loadBackfillKeys: (at) => rings.load(dk.sourceRegion, new Date(at.getTime() - HOUR), new Date(at.getTime() + HOUR)),
                },
                bucket,
                dk,
              ),
              true,
            );
            progress.digests++;
            tick();
            // Files a digest lists that failed to verify are claimed but unproven: never "pending".
            if (res.state === 'invalid' && res.content) for (const f of res.content.logFiles) claimedByInvalid.add(`${f.s3Bucket}/${f.s3Object}`);
            return res;
          }),
          onValid,
          report: (d: DigestOutcome) => result.digests.push(d),
          gap: (g: GapOutcome) => result.gaps.push(g),
        },
        c.id,
        o.bucket,
        c.keys,
        c.backfill,
      ),
    ),
  );
  result.chains = coverage;

  for (const t of logs.values()) {
    const read = await t.read;
    const reasons = judgeLogFile(read, t.expected);
    const lk = parseLogKey(t.key);
    result.logs.push({
      bucket: t.bucket,
      key: t.key,
      location: o.store.locate(t.bucket, t.key),
      account: lk?.account ?? null,
      region: lk?.region ?? null,
      status: reasons.length ? 'invalid' : 'valid',
      reasons,
      listedBy: t.listedBy,
      expectedSha256: t.expected.map((e) => e.hashValue),
      actualSha256: read.state === 'read' ? read.sha256 : undefined,
      trailingBytes: read.state === 'read' ? read.trailingBytes : undefined,
      bytes: read.state === 'read' || read.state === 'bad-gzip' ? read.bytes : undefined,
      storedSha256: read.state === 'read' || read.state === 'bad-gzip' ? read.storedSha256 : undefined,
    });
  }

  if (o.uncovered) {
    const latest = new Map<string, Date>();
    for (const c of coverage) {
      if (!c.to || c.backfill) continue;
      const id = `${c.chain.prefix}|${c.chain.orgId}|${c.chain.account}|${c.chain.sourceRegion}`;
      const to = new Date(c.to);
      if (!latest.has(id) || latest.get(id)! < to) latest.set(id, to);
    }
    const isCovered = (b: string, k: string): boolean => logs.has(`${b}/${k}`);
    for (const { a, region } of logScopes) {
      const id = `${a.prefix}|${a.orgId}|${a.account}|${region}`;
      const found: LogOutcome[] = [];
      for await (const u of findUncoveredLogs(o.store, o.bucket, a, region, o.start, o.end, isCovered, latest.get(id))) {
        if (u.status === 'pending' && claimedByInvalid.has(`${u.bucket}/${u.key}`)) {
          u.status = 'invalid';
          u.reasons = [{ code: 'uncovered', message: 'listed only by a digest that did not verify' }];
        }
        found.push(u);
      }
      result.logs.push(...found);
    }
  }
  return result;
}
