import { verify, type KeyObject } from 'node:crypto';

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

export { sha256Hex } from '../util/hash';

/**
 * The exact string CloudTrail signs (spec A.5): four LF-joined lines, no trailing newline. Bucket
 * and object come from the digest's JSON, the hash is over the inflated bytes as stored (never
 * re-serialized), and a null previous signature is the four characters `null`.
 */
export function dataToSign(p: {
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  inflatedSha256: string;
  previousDigestSignature: string | null;
}): string {
  return [
    p.digestEndTime,
    `${p.digestS3Bucket}/${p.digestS3Object}`,
    p.inflatedSha256,
    p.previousDigestSignature === null ? 'null' : p.previousDigestSignature,
  ].join('\n');
}

/** RSASSA-PKCS1-v1_5 over SHA-256 ("SHA256withRSA"); a malformed hex signature never verifies. */
export function verifySignature(data: string, signatureHex: string, key: KeyObject): boolean {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(signatureHex)) return false;
  try {
    return verify('sha256', Buffer.from(data, 'utf8'), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
