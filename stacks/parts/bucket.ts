import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { PolicyDocument } from '../policies';
import { type BuildContext, json } from './context';

export interface BucketOptions {
  /** Terraform name stem: `<id>`, `<id>_versioning`, ... */
  id: string;
  name: string;
  /** A KMS key ARN, or undefined for SSE-S3 (S3 server access logs cannot land in an SSE-KMS bucket). */
  kmsKeyArn?: string;
  policy: PolicyDocument;
  lifecycle: { glacierAfterDays?: number; expireAfterDays: number; noncurrentExpireAfterDays: number };
  /** Where this bucket's own server access logs go. */
  accessLogs?: { bucket: S3Bucket; prefix: string };
}

export interface HardenedBucket {
  bucket: S3Bucket;
  policy: S3BucketPolicy;
  publicAccessBlock: S3BucketPublicAccessBlock;
}

/**
 * A bucket that is private (public access block, ACLs disabled), versioned, encrypted, TLS-only,
 * logged and expires by policy: the hardening CIS and the peer scanners check for on a log bucket.
 */
export function hardenedBucket(ctx: BuildContext, o: BucketOptions): HardenedBucket {
  const { stack, config } = ctx;
  const bucket = new S3Bucket(stack, o.id, { bucket: o.name, forceDestroy: config.storage.forceDestroy });
  const publicAccessBlock = new S3BucketPublicAccessBlock(stack, `${o.id}_public_access_block`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(stack, `${o.id}_ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketVersioningA(stack, `${o.id}_versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(stack, `${o.id}_encryption`, {
    bucket: bucket.id,
    rule: [
      o.kmsKeyArn
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: o.kmsKeyArn }, bucketKeyEnabled: true }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
    ],
  });
  // The public access block goes first: with BlockPublicPolicy on, S3 would still accept this
  // policy (it is not public), but ordering them avoids racing the two bucket-level calls.
  const policy = new S3BucketPolicy(stack, `${o.id}_policy`, { bucket: bucket.id, policy: json(o.policy), dependsOn: [publicAccessBlock] });
  const rule: S3BucketLifecycleConfigurationRule = {
    id: 'retention',
    status: 'Enabled',
    filter: [{ prefix: '' }],
    transition: o.lifecycle.glacierAfterDays ? [{ days: o.lifecycle.glacierAfterDays, storageClass: 'GLACIER' }] : undefined,
    expiration: [{ days: o.lifecycle.expireAfterDays }],
    noncurrentVersionExpiration: [{ noncurrentDays: o.lifecycle.noncurrentExpireAfterDays }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  };
  new S3BucketLifecycleConfiguration(stack, `${o.id}_lifecycle`, { bucket: bucket.id, rule: [rule] });
  if (o.accessLogs) {
    new S3BucketLoggingA(stack, `${o.id}_logging`, { bucket: bucket.id, targetBucket: o.accessLogs.bucket.id, targetPrefix: o.accessLogs.prefix });
  }
  return { bucket, policy, publicAccessBlock };
}
