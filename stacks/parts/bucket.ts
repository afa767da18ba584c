import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { PolicyDocument } from '../policies';
import { type BuildContext, json } from './context';

/**
 * A bucket named literally when the name is known at synth (configured, or derived from a
 * configured account), else by prefix so Terraform picks a unique name. Never a name built from a
 * data-source lookup: scanners (ours included) follow `${aws_s3_bucket.x.id}` to the bucket, and a
 * half-interpolated name resolves to nothing.
 */
export function newBucket(ctx: BuildContext, id: string, naming: { name?: string; prefix: string; objectLock?: boolean }): S3Bucket {
  return new S3Bucket(ctx.stack, id, {
    ...(naming.name ? { bucket: naming.name } : { bucketPrefix: naming.prefix }),
    forceDestroy: ctx.config.storage.forceDestroy,
    // Object Lock can only be switched on when the bucket is created.
    ...(naming.objectLock ? { objectLockEnabled: true } : {}),
  });
}

export interface HardeningOptions {
  /** A KMS key ARN, or undefined for SSE-S3 (S3 server access logs cannot land in an SSE-KMS bucket). */
  kmsKeyArn?: string;
  policy: PolicyDocument;
  lifecycle: { glacierAfterDays?: number; expireAfterDays: number; noncurrentExpireAfterDays: number };
  /** Where this bucket's own server access logs go. */
  accessLogs?: { bucket: S3Bucket; prefix: string };
  /** Default retention for every new object (the bucket must have been created with Object Lock). */
  objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
}

export interface HardenedBucket {
  bucket: S3Bucket;
  policy: S3BucketPolicy;
  publicAccessBlock: S3BucketPublicAccessBlock;
}

/**
 * Make a bucket private (public access block, ACLs disabled), versioned, encrypted, TLS-only,
 * logged and expiring by policy: the hardening CIS and the peer scanners check for on a log
 * bucket. Terraform names are `<bucket id>_<part>`.
 */
export function hardenBucket(ctx: BuildContext, bucket: S3Bucket, o: HardeningOptions): HardenedBucket {
  const { stack } = ctx;
  const id = bucket.node.id;
  const publicAccessBlock = new S3BucketPublicAccessBlock(stack, `${id}_public_access_block`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(stack, `${id}_ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  const versioning = new S3BucketVersioningA(stack, `${id}_versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(stack, `${id}_encryption`, {
    bucket: bucket.id,
    rule: [
      o.kmsKeyArn
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: o.kmsKeyArn }, bucketKeyEnabled: true }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
    ],
  });
  // The public access block goes first: with BlockPublicPolicy on, S3 would still accept this
  // policy (it is not public), but ordering them avoids racing the two bucket-level calls.
  const policy = new S3BucketPolicy(stack, `${id}_policy`, { bucket: bucket.id, policy: json(o.policy), dependsOn: [publicAccessBlock] });
  const rule: S3BucketLifecycleConfigurationRule = {
    id: 'retention',
    status: 'Enabled',
    filter: [{ prefix: '' }],
    transition: o.lifecycle.glacierAfterDays ? [{ days: o.lifecycle.glacierAfterDays, storageClass: 'GLACIER' }] : undefined,
    expiration: [{ days: o.lifecycle.expireAfterDays }],
    noncurrentVersionExpiration: [{ noncurrentDays: o.lifecycle.noncurrentExpireAfterDays }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  };
  new S3BucketLifecycleConfiguration(stack, `${id}_lifecycle`, { bucket: bucket.id, rule: [rule] });
  if (o.objectLock) {
    new S3BucketObjectLockConfigurationA(stack, `${id}_object_lock`, {
      bucket: bucket.id,
      rule: { defaultRetention: { mode: o.objectLock.mode, days: o.objectLock.days } },
      dependsOn: [versioning],
    });
  }
  if (o.accessLogs) {
    new S3BucketLoggingA(stack, `${id}_logging`, { bucket: bucket.id, targetBucket: o.accessLogs.bucket.id, targetPrefix: o.accessLogs.prefix });
  }
  return { bucket, policy, publicAccessBlock };
}
