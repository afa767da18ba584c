import nodeCrypto = require('crypto');

/**
 * s3rver encrypts its ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 no longer
 * offers: map it to 3DES with K1=K2=K3, the same cipher, while a test pages through a listing.
 */
export function singleDesViaTripleDes(): () => void {
  const c = nodeCrypto.createCipheriv;
  const d = nodeCrypto.createDecipheriv;
  const fix = (alg: string, key: Buffer): [string, Buffer] => (alg === 'des' ? ['des-ede3-cbc', Buffer.concat([key, key, key])] : [alg, key]);
  (nodeCrypto as { createCipheriv: unknown }).createCipheriv = (alg: string, key: Buffer, iv: Buffer) => c(...fix(alg, key), iv);
  (nodeCrypto as { createDecipheriv: unknown }).createDecipheriv = (alg: string, key: Buffer, iv: Buffer) => d(...fix(alg, key), iv);
  return () => {
    (nodeCrypto as { createCipheriv: unknown }).createCipheriv = c;
    (nodeCrypto as { createDecipheriv: unknown }).createDecipheriv = d;
  };
}
