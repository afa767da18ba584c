import type { DigestKey } from './key-layout';
import type { ObjectStore } from '../model/object-store';
import { StoreError } from '../model/object-store';
import { type DigestContent, parseDigest } from './digest-file';
import { GzipFormatError, inflateFirstMemberToBuffer } from './gzip-member';
import { isGzip } from '../util/gzip';
import type { KeyRing } from './public-keys';
import { dataToSign, sha256Hex, SIGNATURE_ALGORITHM, verifySignature } from './signature';
import type { DigestReasonCode, Reason } from './results';

export type DigestCheck =
  | { state: 'missing'; location: string }
  | {
      state: 'invalid';
      location: string;
      reasons: Reason<DigestReasonCode>[];
      bytes?: number;
      storedSha256?: string;
      /** Parsed but unverified content: never followed, only shown. */
      content?: DigestContent;
    }
  | {
      state: 'valid';
      location: string;
      content: DigestContent;
      /** The metadata signature that verified (hex, lowercased). */
      signature: string;
      inflatedSha256: string;
      fingerprint: string;
      bytes: number;
      storedSha256: string;
    };

export interface DigestCheckContext {
  store: ObjectStore;
  /** Keys of the digest's source region; loaded before the call (backfill: around its timestamp). */
  ring: KeyRing;
  /** Keys of the other regions already loaded, to name a key used outside its region. */
  otherRings: ReadonlyMap<string, KeyRing>;
  /** Backfill digests fetch keys lazily around this metadata timestamp (spec A.4, A.8). */
  loadBackfillKeys?: (generatedAt: Date) => Promise<KeyRing>;
}

function fail(location: string, code: DigestReasonCode, message: string, extra: Partial<Extract<DigestCheck, { state: 'invalid' }>> = {}): DigestCheck {
  return { state: 'invalid', location, reasons: [{ code, message }], ...extra };
}

/**
 * Everything aws-cli checks on one digest (spec A.7 step 2), in its order, plus: the algorithm
 * in the metadata and in the content must be SHA256withRSA, the key must belong to the
 * digest's own source region, and the account in the content must be the one in the key.
 */
export async function checkDigest(ctx: DigestCheckContext, bucket: string, dk: DigestKey): Promise<DigestCheck> {
  const location = ctx.store.locate(bucket, dk.key);
  let obj;
  try {
    obj = await ctx.store.get(bucket, dk.key);
  } catch (e) {
    const msg = e instanceof StoreError ? e.message : (e as Error).message;
    return fail(location, 'read-error', `could not read: ${msg}`);
  }
  if (!obj) return { state: 'missing', location };
  const bytes = obj.body.length;
  const storedSha256 = sha256Hex(obj.body);
  const facts = { bytes, storedSha256 };

  let inflated: Buffer;
  // Hashed while inflating; the plain-JSON case below hashes the body as it came.
  let inflatedSha256: string | undefined;
  let trailing = 0;
  try {
    const r = await inflateFirstMemberToBuffer(obj.body);
    inflated = r.data;
    inflatedSha256 = r.sha256;
    trailing = r.trailingBytes;
  } catch (e) {
    if (!(e instanceof GzipFormatError) || isGzip(obj.body)) return fail(location, 'invalid-format', `invalid format: ${(e as Error).message}`, facts);
    // Some HTTP layers undo Content-Encoding: gzip; accept plain JSON but say so (spec A.10).
    inflated = obj.body;
  }
  if (trailing > 0) return fail(location, 'invalid-format', `invalid format: ${trailing} bytes of unexpected data after end of compressed stream`, facts);
  const parsed = parseDigest(inflated);
  if (!parsed.ok) return fail(location, 'invalid-format', `invalid format: ${parsed.reason}`, facts);
  const d = parsed.digest;
  const withContent = { ...facts, content: d };

  const signature = obj.metadata.signature;
  const metaAlgorithm = obj.metadata['signature-algorithm'];
  if (signature === undefined || metaAlgorithm === undefined) {
    const missing = [signature === undefined ? 'signature' : '', metaAlgorithm === undefined ? 'signature-algorithm' : ''].filter(Boolean).join(' and ');
    return fail(location, 'signature-missing', `signature verification failed: object metadata has no ${missing}`, withContent);
  }
  if (d.digestS3Bucket !== bucket || d.digestS3Object !== dk.key) {
    return fail(location, 'moved', `has been moved from its original location (content names s3://${d.digestS3Bucket}/${d.digestS3Object})`, withContent);
  }
  if (metaAlgorithm !== SIGNATURE_ALGORITHM || (d.digestSignatureAlgorithm !== null && d.digestSignatureAlgorithm !== SIGNATURE_ALGORITHM)) {
    const shown = metaAlgorithm !== SIGNATURE_ALGORITHM ? metaAlgorithm : d.digestSignatureAlgorithm;
    return fail(location, 'algorithm-unsupported', `unsupported signature algorithm "${shown}" (expected ${SIGNATURE_ALGORITHM})`, withContent);
  }

  const fingerprint = d.digestPublicKeyFingerprint.toLowerCase();
  let ring = ctx.ring;
  if (!ring.get(fingerprint) && dk.backfill && ctx.loadBackfillKeys) {
    const at = new Date(obj.metadata['backfill-generation-timestamp'] ?? '');
    if (Number.isNaN(at.getTime())) return fail(location, 'invalid-format', 'invalid format: backfill digest without a valid backfill-generation-timestamp metadata', withContent);
    ring = await ctx.loadBackfillKeys(at);
  }
  const found = ring.get(fingerprint);
  if (!found) {
    const problem = ring.problem(fingerprint);
    if (problem) return fail(location, 'unloadable-key', problem.message, withContent);
    for (const [region, other] of ctx.otherRings) {
      if (region !== dk.sourceRegion && other.get(fingerprint)) {
        return fail(location, 'key-region-mismatch', `signed with key ${fingerprint} of region ${region}, not of the delivering region ${dk.sourceRegion}`, withContent);
      }
    }
    return fail(location, 'public-key-not-found', `public key not found in region ${dk.sourceRegion} for fingerprint ${fingerprint}`, withContent);
  }

  inflatedSha256 ??= sha256Hex(inflated);
  const toSign = dataToSign({ ...d, inflatedSha256 });
  if (!verifySignature(toSign, signature, found.key)) {
    return fail(location, 'signature-invalid', 'signature verification failed', withContent);
  }
  if (d.awsAccountId !== null && d.awsAccountId !== dk.account) {
    return fail(location, 'account-mismatch', `signed for account ${d.awsAccountId} but stored under account ${dk.account}`, withContent);
  }
  return { state: 'valid', location, content: d, signature: signature.toLowerCase(), inflatedSha256, fingerprint, ...facts };
}
