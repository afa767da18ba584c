import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';

const CONTENT_TYPE: Record<string, string> = { '.json': 'application/json', '.html': 'text/html; charset=utf-8', '.csv': 'text/csv; charset=utf-8' };

/** Where the functions write: a bucket, a prefix, and the KMS key the objects are encrypted with. */
export interface ReportTarget {
  bucket: string;
  prefix: string;
  kmsKeyId?: string;
}

/** Upload report files under `<prefix><folder>/`; returns their s3:// URIs. */
export async function uploadFiles(s3: S3Client, target: ReportTarget, folder: string, files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const key = `${target.prefix}${folder}/${basename(file)}`;
    const ext = /\.[a-z]+$/.exec(file)?.[0] ?? '';
    await s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: statSync(file).size,
        ContentType: CONTENT_TYPE[ext] ?? 'application/octet-stream',
        ...(target.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: target.kmsKeyId } : {}),
      }),
    );
    out.push(`s3://${target.bucket}/${key}`);
  }
  return out;
}

/** The prefix as given, with the one trailing slash S3 folders need. */
export function asPrefix(p: string | undefined, fallback: string): string {
  const v = p ?? fallback;
  return v === '' || v.endsWith('/') ? v : `${v}/`;
}
