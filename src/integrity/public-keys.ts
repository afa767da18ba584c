import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** One entry of ListPublicKeys (spec A.4), decoded. */
export interface PublicKeyEntry {
  fingerprint: string;
  /** DER bytes exactly as listed: PKCS#1 RSAPublicKey, or SubjectPublicKeyInfo in one AWS sample. */
  der: Buffer;
  validityStart: Date | null;
  validityEnd: Date | null;
  /** Region whose ListPublicKeys returned it; null when read from a file not tied to a region. */
  region: string | null;
}

/** Lowercase hex MD5 of the DER bytes as listed: how CloudTrail names a key. */
export function keyFingerprint(der: Buffer): string {
  return createHash('md5').update(der).digest('hex');
}

export function loadRsaPublicKey(der: Buffer): KeyObject | undefined {
  for (const type of ['pkcs1', 'spki'] as const) {
    try {
      const k = createPublicKey({ key: der, format: 'der', type });
      if (k.asymmetricKeyType === 'rsa') return k;
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

export interface KeyProblem {
  fingerprint: string;
  region: string | null;
  message: string;
}

/**
 * Keys by fingerprint. A listed key whose bytes do not hash to its fingerprint is refused (a
 * tampered key file must not verify anything), and so is one that is not an RSA key.
 */
export class KeyRing {
  private readonly byFingerprint = new Map<string, { entry: PublicKeyEntry; key: KeyObject }>();
  readonly problems: KeyProblem[] = [];

  add(entry: PublicKeyEntry): void {
    const fp = entry.fingerprint.toLowerCase();
    if (this.byFingerprint.has(fp)) return;
    const actual = keyFingerprint(entry.der);
    if (actual !== fp) {
      this.problems.push({ fingerprint: fp, region: entry.region, message: `fingerprint ${fp} does not match the key bytes (MD5 ${actual})` });
      return;
    }
    const key = loadRsaPublicKey(entry.der);
    if (!key) {
      this.problems.push({ fingerprint: fp, region: entry.region, message: `Unable to load PKCS #1 key with fingerprint ${fp}` });
      return;
    }
    this.byFingerprint.set(fp, { entry: { ...entry, fingerprint: fp }, key });
  }

  get(fingerprint: string): { entry: PublicKeyEntry; key: KeyObject } | undefined {
    return this.byFingerprint.get(fingerprint.toLowerCase());
  }

  problem(fingerprint: string): KeyProblem | undefined {
    const fp = fingerprint.toLowerCase();
    return this.problems.find((p) => p.fingerprint === fp);
  }

  get size(): number {
    return this.byFingerprint.size;
  }
}

function toDate(v: unknown): Date | null {
  if (v === undefined || v === null) return null;
  // The CLI prints epoch seconds ("1436317441.0") or ISO strings depending on its settings.
  const d = typeof v === 'number' || /^\d+(\.\d+)?$/.test(String(v)) ? new Date(Number(v) * 1000) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Parse what `aws cloudtrail list-public-keys` printed (saved for offline validation). Accepts
 * `PublicKeyList` and the docs' `publicKeyList`; `Value` is base64.
 */
export function parsePublicKeyFile(text: string, region: string | null): { entries: PublicKeyEntry[]; errors: string[] } {
  const errors: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { entries: [], errors: [`not JSON: ${(e as Error).message}`] };
  }
  const o = raw as Record<string, unknown>;
  const list = (o?.PublicKeyList ?? o?.publicKeyList) as unknown;
  if (!Array.isArray(list)) return { entries: [], errors: ['no PublicKeyList array'] };
  const entries: PublicKeyEntry[] = [];
  list.forEach((k: Record<string, unknown>, i) => {
    if (typeof k?.Value !== 'string' || typeof k?.Fingerprint !== 'string') {
      errors.push(`PublicKeyList[${i}]: Value and Fingerprint must be strings`);
      return;
    }
    entries.push({
      fingerprint: k.Fingerprint,
      der: Buffer.from(k.Value, 'base64'),
      validityStart: toDate(k.ValidityStartTime),
      validityEnd: toDate(k.ValidityEndTime),
      region,
    });
  });
  return { entries, errors };
}
