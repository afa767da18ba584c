/**
 * The digest file's JSON (spec A.2). Parsing checks shape only; whether the content can be
 * trusted is decided by the signature (signature.ts) and the chain walk (chain-walk.ts).
 */

export interface DigestLogEntry {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm: string;
  newestEventTime?: string | null;
  oldestEventTime?: string | null;
}

export interface DigestContent {
  awsAccountId: string | null;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string | null;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestHashAlgorithm: string | null;
  /** Present in every digest; null in a starting digest. */
  previousDigestSignature: string | null;
  logFiles: DigestLogEntry[];
}

export type DigestParse = { ok: true; digest: DigestContent } | { ok: false; reason: string };

const ISO_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Required the way aws-cli requires them: present (previousDigestSignature may be null). */
const REQUIRED = [
  'digestPublicKeyFingerprint',
  'digestS3Bucket',
  'digestS3Object',
  'previousDigestSignature',
  'digestEndTime',
  'digestStartTime',
] as const;

function optString(o: Record<string, unknown>, k: string): string | null | undefined {
  const v = o[k];
  if (v === undefined || v === null) return v as null | undefined;
  return typeof v === 'string' ? v : undefined;
}

export function parseDigest(inflated: Buffer): DigestParse {
  let raw: unknown;
  try {
    raw = JSON.parse(inflated.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const o = raw as Record<string, unknown>;
  for (const k of REQUIRED) if (!(k in o)) return { ok: false, reason: `missing field ${k}` };
  for (const k of ['digestPublicKeyFingerprint', 'digestS3Bucket', 'digestS3Object', 'digestEndTime', 'digestStartTime']) {
    if (typeof o[k] !== 'string') return { ok: false, reason: `field ${k} is not a string` };
  }
  for (const k of ['digestStartTime', 'digestEndTime']) {
    if (!ISO_SECOND.test(o[k] as string)) return { ok: false, reason: `field ${k} is not a UTC time: ${String(o[k])}` };
  }
  const strings: Record<string, string | null> = {};
  for (const k of [
    'awsAccountId',
    'digestSignatureAlgorithm',
    'previousDigestS3Bucket',
    'previousDigestS3Object',
    'previousDigestHashValue',
    'previousDigestHashAlgorithm',
    'previousDigestSignature',
  ]) {
    const v = optString(o, k);
    if (v === undefined && o[k] !== undefined) return { ok: false, reason: `field ${k} is not a string or null` };
    strings[k] = v ?? null;
  }
  const files = o.logFiles ?? [];
  if (!Array.isArray(files)) return { ok: false, reason: 'logFiles is not an array' };
  const logFiles: DigestLogEntry[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as Record<string, unknown>;
    if (typeof f !== 'object' || f === null) return { ok: false, reason: `logFiles[${i}] is not an object` };
    for (const k of ['s3Bucket', 's3Object', 'hashValue']) {
      if (typeof f[k] !== 'string') return { ok: false, reason: `logFiles[${i}].${k} is not a string` };
    }
    logFiles.push({
      s3Bucket: f.s3Bucket as string,
      s3Object: f.s3Object as string,
      hashValue: f.hashValue as string,
      hashAlgorithm: typeof f.hashAlgorithm === 'string' ? f.hashAlgorithm : 'SHA-256',
      newestEventTime: (f.newestEventTime as string | null | undefined) ?? null,
      oldestEventTime: (f.oldestEventTime as string | null | undefined) ?? null,
    });
  }
  return {
    ok: true,
    digest: {
      awsAccountId: strings.awsAccountId,
      digestStartTime: o.digestStartTime as string,
      digestEndTime: o.digestEndTime as string,
      digestS3Bucket: o.digestS3Bucket as string,
      digestS3Object: o.digestS3Object as string,
      digestPublicKeyFingerprint: o.digestPublicKeyFingerprint as string,
      digestSignatureAlgorithm: strings.digestSignatureAlgorithm,
      previousDigestS3Bucket: strings.previousDigestS3Bucket,
      previousDigestS3Object: strings.previousDigestS3Object,
      previousDigestHashValue: strings.previousDigestHashValue,
      previousDigestHashAlgorithm: strings.previousDigestHashAlgorithm,
      previousDigestSignature: strings.previousDigestSignature,
      logFiles,
    },
  };
}
