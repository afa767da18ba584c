/**
 * What the log validator and the S3 archive reader need from wherever a bucket lives: S3
 * (src/sources/s3-object-store.ts) or a local mirror (src/sources/local-mirror-store.ts). Keys come
 * back in S3's order (UTF-8 byte order), which is date order inside one CloudTrail folder.
 */
export interface StoredObject {
  body: Buffer;
  /** User metadata, keys lowercased, as `head-object` shows it (`signature`, `signature-algorithm`). */
  metadata: Record<string, string>;
}

export interface ObjectStore {
  /** `s3://bucket/key`, or the local file path, for messages and input records. */
  locate(bucket: string, key: string): string;
  /** Immediate sub-folders under `prefix` (which ends in '/'). */
  listFolders(bucket: string, prefix: string): Promise<string[]>;
  /** Keys under `prefix`, ascending, strictly after `startAfter` when given. Stop early by breaking. */
  listKeys(bucket: string, prefix: string, startAfter?: string): AsyncIterable<string>;
  /** undefined when the object does not exist; throws for any other failure. */
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
}

/** Thrown by a store for a failure that is not "no such object" (access denied, network). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly location: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** S3 lists keys in UTF-8 byte order; JS compares UTF-16 units, which differs above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
