import { type Obj, bool, isObj, pick } from '../util/values';

/**
 * S3 Block Public Access flags, set on a bucket or for the whole account: read from Terraform's
 * arguments or Config's configuration, and judged together (every flag on) for a bucket.
 */

type Tri = boolean | undefined;

export function terraformFlags(v: Obj): Record<string, boolean | null | undefined> {
  return {
    blockPublicAcls: bool(v.block_public_acls, false),
    ignorePublicAcls: bool(v.ignore_public_acls, false),
    blockPublicPolicy: bool(v.block_public_policy, false),
    restrictPublicBuckets: bool(v.restrict_public_buckets, false),
  };
}

export function recordedFlags(v: unknown): Record<string, boolean | null | undefined> | null {
  if (!isObj(v)) return null;
  return {
    blockPublicAcls: bool(pick(v, 'blockPublicAcls'), false),
    ignorePublicAcls: bool(pick(v, 'ignorePublicAcls'), false),
    blockPublicPolicy: bool(pick(v, 'blockPublicPolicy'), false),
    restrictPublicBuckets: bool(pick(v, 'restrictPublicBuckets'), false),
  };
}

export function allBlocked(flags: unknown): Tri {
  if (flags === undefined) return undefined;
  if (!isObj(flags)) return false;
  const vals = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'].map((k) => flags[k]);
  if (vals.some((v) => v === undefined)) return undefined;
  return vals.every((v) => v === true);
}
