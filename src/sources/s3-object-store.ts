import type { S3Client } from '@aws-sdk/client-s3';
import { type ObjectStore, type StoredObject, StoreError } from '../model/object-store';

type S3Module = typeof import('@aws-sdk/client-s3');

/**
 * The bucket through the real S3 API. The SDK module is passed in so the CLI can import it lazily.
 * User metadata comes back with lowercased keys (`signature`, `signature-algorithm`).
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Module,
    private readonly client: S3Client,
    /** MaxKeys per ListObjectsV2 page; S3's default (1000) unless a test wants many pages. */
    private readonly pageSize?: number,
  ) {}

  locate(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
  }

  async listFolders(bucket: string, prefix: string): Promise<string[]> {
    const delimited = await this.listFoldersDelimited(bucket, prefix);
    if (delimited.length > 0) return delimited;
    // Some S3-compatible servers (s3rver among them) report a common prefix only for a folder that
    // holds objects directly, never for CloudTrail's nested ones. If anything sits below the
    // prefix, step from folder to folder instead: one small listing per folder.
    const out: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.send(bucket, prefix, () =>
        this.client.send(new this.s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1, StartAfter: after })),
      );
      const key = page.Contents?.[0]?.Key;
      if (!key) return out;
      const slash = key.indexOf('/', prefix.length);
      if (slash < 0) {
        after = key;
        continue;
      }
      const folder = key.slice(0, slash + 1);
      out.push(folder);
      // '0' follows '/': every key inside the folder sorts before this, the next folder after it.
      after = `${folder.slice(0, -1)}0`;
    }
  }

  private async listFoldersDelimited(bucket: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(bucket, prefix, () =>
        this.client.send(new this.s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token })),
      );
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async *listKeys(bucket: string, prefix: string, startAfter?: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.send(bucket, prefix, () =>
        this.client.send(
          new this.s3.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: this.pageSize,
            ContinuationToken: token,
            StartAfter: token ? undefined : startAfter,
          }),
        ),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield o.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    let res;
    try {
      res = await this.client.send(new this.s3.GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw new StoreError(describeAwsError(e), this.locate(bucket, key));
    }
    const body = res.Body ? Buffer.from(await res.Body.transformToByteArray()) : Buffer.alloc(0);
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.Metadata ?? {})) if (typeof v === 'string') metadata[k.toLowerCase()] = v;
    return { body, metadata };
  }

  private async send<T>(bucket: string, prefix: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw new StoreError(describeAwsError(e), this.locate(bucket, prefix));
    }
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.Code === 'NoSuchKey' || err.name === 'NotFound';
}

/** An AWS SDK error as one line: its name, the HTTP status when there was one, and its message. */
export function describeAwsError(e: unknown): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  return `${err.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(e)}`;
}
