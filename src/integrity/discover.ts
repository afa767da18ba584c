import type { ObjectStore } from '../model/object-store';
import { accountRoot, type ChainId, chainKey, dateFolder, type DigestKey, digestRegionRoot, parseDigestKey } from './key-layout';

/** One account's folder: `[prefix/]AWSLogs/[o-id/]<acct>/`. */
export interface AccountScope {
  prefix: string;
  orgId: string | null;
  account: string;
}

export interface Filters {
  accounts?: readonly string[];
  /** Source (delivering) regions. */
  regions?: readonly string[];
  trails?: readonly string[];
  homeRegions?: readonly string[];
  orgIds?: readonly string[];
}

export interface Chain {
  id: ChainId;
  backfill: boolean;
  keys: DigestKey[];
}

const DAY = 86_400_000;

/**
 * Accounts under AWSLogs/, with or without an organization segment. Found by listing folders,
 * never by listing every object, so a bucket with years of logs costs a few calls.
 */
export async function discoverAccounts(store: ObjectStore, bucket: string, prefix: string, f: Filters): Promise<AccountScope[]> {
  const root = `${prefix ? `${prefix}/` : ''}AWSLogs/`;
  const out: AccountScope[] = [];
  for (const folder of await store.listFolders(bucket, root)) {
    const name = folder.slice(root.length, -1);
    if (/^\d{12}$/.test(name)) {
      if (!f.orgIds?.length) out.push({ prefix, orgId: null, account: name });
    } else if (/^o-[a-z0-9]{10,32}$/.test(name)) {
      if (f.orgIds?.length && !f.orgIds.includes(name)) continue;
      for (const sub of await store.listFolders(bucket, folder)) {
        const acct = sub.slice(folder.length, -1);
        if (/^\d{12}$/.test(acct)) out.push({ prefix, orgId: name, account: acct });
      }
    }
  }
  return out.filter((a) => !f.accounts?.length || f.accounts.includes(a.account));
}

export async function discoverRegions(store: ObjectStore, bucket: string, a: AccountScope, kind: 'CloudTrail' | 'CloudTrail-Digest', f: Filters): Promise<string[]> {
  const base = `${accountRoot(a.prefix, a.orgId, a.account)}${kind}/`;
  return (await store.listFolders(bucket, base)).map((p) => p.slice(base.length, -1)).filter((r) => !f.regions?.length || f.regions.includes(r));
}

/**
 * Digest keys of one account and region whose end time lies in [start, until], grouped into
 * chains (trail x home region, standard and backfill apart). Listing starts at the day before
 * `start` (StartAfter), and stops at the first day folder after `until`, so it never walks the
 * whole bucket (aws-cli #4250). Keys that do not parse are returned for the record.
 */
export async function listDigestChains(
  store: ObjectStore,
  bucket: string,
  a: AccountScope,
  region: string,
  start: Date,
  until: Date,
  f: Filters,
): Promise<{ chains: Chain[]; unparsed: string[] }> {
  const root = digestRegionRoot(a.prefix, a.orgId, a.account, region);
  const startAfter = root + dateFolder(new Date(start.getTime() - DAY)).slice(0, -1);
  const lastFolder = dateFolder(until);
  const chains = new Map<string, Chain>();
  const unparsed: string[] = [];
  for await (const key of store.listKeys(bucket, root, startAfter)) {
    if (key.slice(root.length, root.length + 11) > lastFolder) break;
    const dk = parseDigestKey(key);
    if (!dk || dk.account !== a.account || dk.orgId !== a.orgId || dk.prefix !== a.prefix || dk.sourceRegion !== region) {
      unparsed.push(key);
      continue;
    }
    if (dk.endTime < start || dk.endTime > until) continue;
    if (f.trails?.length && !f.trails.includes(dk.trailName)) continue;
    if (f.homeRegions?.length && !f.homeRegions.includes(dk.homeRegion)) continue;
    const id = `${chainKey(dk)}|${dk.backfill}`;
    let c = chains.get(id);
    if (!c) {
      c = { id: { prefix: dk.prefix, orgId: dk.orgId, account: dk.account, sourceRegion: dk.sourceRegion, trailName: dk.trailName, homeRegion: dk.homeRegion }, backfill: dk.backfill, keys: [] };
      chains.set(id, c);
    }
    c.keys.push(dk);
  }
  for (const c of chains.values()) c.keys.sort((x, y) => (x.stamp < y.stamp ? -1 : x.stamp > y.stamp ? 1 : 0));
  return { chains: [...chains.values()], unparsed };
}
