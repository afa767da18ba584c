import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KeyRing, type PublicKeyEntry } from './public-keys';

type CloudTrailModule = typeof import('@aws-sdk/client-cloudtrail');

/** Where the public keys come from: live ListPublicKeys per region, or key files saved earlier. */
export interface KeyProvider {
  /** Keys a digest of `region` signed between start and end could have used. */
  keys(region: string, start: Date, end: Date): Promise<PublicKeyEntry[]>;
}

/** Offline: every key from the given files, whatever the time (validity is not the file's promise). */
export class StaticKeyProvider implements KeyProvider {
  constructor(private readonly entries: PublicKeyEntry[]) {}
  async keys(region: string): Promise<PublicKeyEntry[]> {
    return this.entries.filter((e) => e.region === null || e.region === region);
  }
}

/**
 * Live: one CloudTrail client per source region, since keys are per region (spec A.4). NextToken
 * is "reserved for future use"; it is followed anyway in case it ever appears.
 */
export class LiveKeyProvider implements KeyProvider {
  private readonly clients = new Map<string, CloudTrailClient>();

  constructor(
    private readonly ct: CloudTrailModule,
    private readonly makeClient: (region: string) => CloudTrailClient,
  ) {}

  async keys(region: string, start: Date, end: Date): Promise<PublicKeyEntry[]> {
    let client = this.clients.get(region);
    if (!client) {
      client = this.makeClient(region);
      this.clients.set(region, client);
    }
    const out: PublicKeyEntry[] = [];
    let token: string | undefined;
    do {
      const res = await client.send(new this.ct.ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token }));
      for (const k of res.PublicKeyList ?? []) {
        if (!k.Value || !k.Fingerprint) continue;
        out.push({
          fingerprint: k.Fingerprint,
          der: Buffer.from(k.Value),
          validityStart: k.ValidityStartTime ?? null,
          validityEnd: k.ValidityEndTime ?? null,
          region,
        });
      }
      token = res.NextToken || undefined;
    } while (token);
    return out;
  }
}

/**
 * Keys per region, fetched once per (region, window). The window is padded by 2 hours at the end,
 * as aws-cli learned it must be near a key rotation (spec A.4).
 */
export class RegionKeyRings {
  private readonly rings = new Map<string, KeyRing>();
  private readonly fetched = new Map<string, Promise<void>>();
  readonly errors: { region: string; message: string }[] = [];

  constructor(private readonly provider: KeyProvider) {}

  ring(region: string): KeyRing {
    let r = this.rings.get(region);
    if (!r) {
      r = new KeyRing();
      this.rings.set(region, r);
    }
    return r;
  }

  async load(region: string, start: Date, end: Date): Promise<KeyRing> {
    const id = `${region}|${start.toISOString()}|${end.toISOString()}`;
    let p = this.fetched.get(id);
    if (!p) {
      p = this.provider.keys(region, start, end).then(
        (entries) => {
          for (const e of entries) this.ring(region).add(e);
        },
        (e: Error) => {
          this.errors.push({ region, message: `ListPublicKeys in ${region} failed: ${e.name}: ${e.message}` });
        },
      );
      this.fetched.set(id, p);
    }
    await p;
    return this.ring(region);
  }
}
