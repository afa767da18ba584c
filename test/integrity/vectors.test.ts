import { gzipSync } from 'node:zlib';
import { dataToSign, sha256Hex, verifySignature } from '../../src/integrity/signature';
import { keyFingerprint, KeyRing, loadRsaPublicKey, parsePublicKeyFile } from '../../src/integrity/public-keys';
import { parseDigestKey, parseLogKey, digestKeyFor } from '../../src/integrity/key-layout';
import { inflateFirstMember } from '../../src/integrity/gzip-member';
import { makeKey, putDigest, BucketTree } from './fixture';

// The three sample keys of the AWS custom-validation page; the third is SPKI, not PKCS#1 (spec A.4).
const DOC_KEYS = [
  {
    value:
      'MIIBCgKCAQEAn11L2YZ9h7onug2ILi1MWyHiMRsTQjfWE+pHVRLk1QjfWhirG+lpOa8NrwQ/r7Ah5bNL6HepznOU9XTDSfmmnP97mqyc7z/upfZdS/AHhYcGaz7n6Wc/RRBU6VmiPCrAUojuSk6/GjvA8iOPFsYDuBtviXarvuLPlrT9kAd4Lb+rFfR5peEgBEkhlzc5HuWO7S0y+KunqxX6jQBnXGMtxmPBPP0FylgWGNdFtks/4YSKcgqwH0YDcawP9GGGDAeCIqPWIXDLG1jOjRRzWfCmD0iJUkz8vTsn4hq/5ZxRFE7UBAUiVcGbdnDdvVfhF9C3dQiDq3k7adQIziLT0cShgQIDAQAB',
    fingerprint: '8eba5db5bea9b640d1c96a77256fe7f2',
  },
  {
    value:
      'MIIBCgKCAQEApfYL2FiZhpN74LNWVUzhR+VheYhwhYm8w0n5Gf6i95ylW5kBAWKVEmnAQG7BvS5g9SMqFDQx52fW7NWV44IvfJ2xGXT+wT+DgR6ZQ+6yxskQNqV5YcXj4Aa5Zz4jJfsYjDuO2MDTZNIzNvBNzaBJ+r2WIWAJ/Xq54kyF63B6WE38vKuDE7nSd1FqQuEoNBFLPInvgggYe2Ym1Refe2z71wNcJ2kY+q0h1BSHrSM8RWuJIw7MXwF9iQncg9jYzUlNJomozQzAG5wSRfbplcCYNY40xvGd/aAmO0m+Y+XFMrKwtLCwseHPvj843qVno6x4BJN9bpWnoPo9sdsbGoiK3QIDAQAB',
    fingerprint: '8933b39ddc64d26d8e14ffbf6566fee4',
  },
  {
    value:
      'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqlzPJbvZJ42UdcmLfPUqXYNfOs6I8lCfao/tOs8CmzPOEdtLWugB9xoIUz78qVHdKIqxbaG4jWHfJBiOSSFBM0lt8cdVo4TnRa7oG9io5pysS6DJhBBAeXsicufsiFJR+wrUNh8RSLxL4k6G1+BhLX20tJkZ/erT97tDGBujAelqseGg3vPZbTx9SMfOLN65PdLFudLP7Gat0Z9p5jw/rjpclKfo9Bfc3heeBxWGKwBBOKnFAaN9V57pOaosCvPKmHd9bg7jsQkI9Xp22IzGLsTFJZYVA3KiTAElDMu80iFXPHEq9hKNbt9e4URFam+1utKVEiLkR2disdCmPTK0VQIDAQAB',
    fingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
  },
];

describe('spec test vectors', () => {
  test('aws-cli data-to-sign vector (A.5)', () => {
    const inflatedSha256 = sha256Hex(Buffer.from('abc'));
    expect(dataToSign({ digestEndTime: 'a', digestS3Bucket: 'b', digestS3Object: 'c', inflatedSha256, previousDigestSignature: null })).toBe(
      'a\nb/c\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nnull',
    );
  });

  test('fingerprint is the MD5 of the DER bytes as listed, PKCS#1 and SPKI alike (A.4)', () => {
    for (const k of DOC_KEYS) expect(keyFingerprint(Buffer.from(k.value, 'base64'))).toBe(k.fingerprint);
    expect(keyFingerprint(Buffer.from(DOC_KEYS[0].value, 'base64'))).toBe('8eba5db5bea9b640d1c96a77256fe7f2');
  });

  test('both PKCS#1 and SPKI keys load; a listed key whose bytes do not hash to its fingerprint is refused', () => {
    for (const k of DOC_KEYS) expect(loadRsaPublicKey(Buffer.from(k.value, 'base64'))?.asymmetricKeyType).toBe('rsa');
    const ring = new KeyRing();
    const { entries } = parsePublicKeyFile(JSON.stringify({ publicKeyList: DOC_KEYS.map((k) => ({ Value: k.value, Fingerprint: k.fingerprint, ValidityStartTime: '1436317441.0' })) }), 'us-east-1');
    entries.push({ ...entries[0], fingerprint: '00000000000000000000000000000000' });
    for (const e of entries) ring.add(e);
    expect(ring.size).toBe(3);
    expect(ring.get('8EBA5DB5BEA9B640D1C96A77256FE7F2')).toBeDefined();
    expect(ring.problems.map((p) => p.fingerprint)).toEqual(['00000000000000000000000000000000']);
    expect(entries[0].validityStart?.toISOString()).toBe('2015-07-08T01:04:01.000Z');
  });

  test('sha256 of {} is the hash aws-cli uses for a log (A.6)', () => {
    expect(sha256Hex('{}')).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  test('a signature made as CloudTrail makes it verifies; one changed bit does not', () => {
    const key = makeKey();
    const tree = new BucketTree('b');
    const content = { digestEndTime: '2026-11-20T01:01:31Z', digestS3Bucket: 'b', digestS3Object: 'k', previousDigestSignature: null };
    const { signature, inflated } = putDigest(tree, 'k', content, key);
    const data = dataToSign({ ...content, inflatedSha256: sha256Hex(inflated) });
    const pub = loadRsaPublicKey(key.der)!;
    expect(verifySignature(data, signature, pub)).toBe(true);
    expect(verifySignature(data.replace('null', 'nul1'), signature, pub)).toBe(false);
    expect(verifySignature(data, signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0'), pub)).toBe(false);
    expect(verifySignature(data, 'zz', pub)).toBe(false);
  });
});

describe('key layout (A.1)', () => {
  test('digest keys: plain, with prefix, organization, backfill, trail names with underscores', () => {
    const k = 'logs/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2015/09/01/111122223333_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20150901T201728Z.json.gz';
    expect(parseDigestKey(k)).toMatchObject({ prefix: 'logs', orgId: null, account: '111122223333', sourceRegion: 'eu-west-1', trailName: 'my_trail', homeRegion: 'us-east-1', stamp: '20150901T201728Z', backfill: false });
    expect(parseDigestKey(k)!.endTime.toISOString()).toBe('2015-09-01T20:17:28.000Z');
    const org = 'AWSLogs/o-abcdefghij/222233334444/CloudTrail-Digest/us-east-1/2026/02/01/222233334444_CloudTrail-Digest_us-east-1_org_us-east-1_20260201T000000Z_backfill.json.gz';
    expect(parseDigestKey(org)).toMatchObject({ prefix: '', orgId: 'o-abcdefghij', account: '222233334444', backfill: true });
    expect(digestKeyFor(parseDigestKey(k)!, new Date('2015-09-01T20:17:28Z'))).toBe(k);
    // account in the name must be the folder's account; a log key is not a digest key
    expect(parseDigestKey(k.replace('111122223333_CloudTrail', '999922223333_CloudTrail'))).toBeUndefined();
    expect(parseDigestKey('AWSLogs/111122223333/CloudTrail/us-east-1/2015/09/01/111122223333_CloudTrail_us-east-1_20150901T1925Z_abcdEFGH12345678.json.gz')).toBeUndefined();
  });

  test('log keys', () => {
    expect(parseLogKey('AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/2015/09/01/111122223333_CloudTrail_us-east-1_20150901T1925Z_abcdEFGH12345678.json.gz')).toMatchObject({
      orgId: 'o-abcdefghij',
      account: '111122223333',
      region: 'us-east-1',
      stamp: '20150901T1925Z',
    });
    expect(parseLogKey('AWSLogs/111122223333/CloudTrail/us-east-1/2015/09/01/111122223333_CloudTrail_us-east-1_20151301T1925Z_x.json.gz')).toBeUndefined();
  });
});

describe('gzip member check (A.6)', () => {
  test('a second member appended is counted, not hashed; truncation and garbage are errors', async () => {
    const a = gzipSync(Buffer.from('{}'));
    const appended = Buffer.concat([a, gzipSync(Buffer.from('{"Records":[{"eventName":"Forged"}]}'))]);
    expect(await inflateFirstMember(a)).toEqual({ sha256: sha256Hex('{}'), uncompressedBytes: 2, trailingBytes: 0 });
    const r = await inflateFirstMember(appended);
    expect(r.sha256).toBe(sha256Hex('{}'));
    expect(r.trailingBytes).toBe(appended.length - a.length);
    await expect(inflateFirstMember(a.subarray(0, a.length - 4))).rejects.toThrow(/truncated/);
    await expect(inflateFirstMember(Buffer.from('{}'))).rejects.toThrow(/not gzip/);
    const badCrc = Buffer.from(a);
    badCrc[badCrc.length - 8] ^= 1;
    await expect(inflateFirstMember(badCrc)).rejects.toThrow(/CRC/);
  });
});
