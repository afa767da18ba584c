import type { MappedResource, RelationName } from '../model/resource';
import { type Obj, setOrNull, strOrNull } from '../util/values';
import { blocks, tfRefs } from './mapping';
import { defineResource } from './module';
import { terraformFlags } from './s3-public-access';

/**
 * Terraform splits bucket settings into their own resources (aws_s3_bucket_logging and the like);
 * each becomes a part folded into its bucket once references are resolved.
 */
const TYPE = 'trailproof::S3::BucketPart';

function part(properties: Record<string, unknown>, v: Obj, extra: Partial<Record<RelationName, string[]>> = {}): MappedResource {
  return { type: TYPE, id: null, name: null, arn: null, properties, refs: { bucket: tfRefs(v.bucket), ...extra } };
}

export const s3BucketPart = defineResource({
  type: TYPE,
  description: "one of Terraform's split bucket settings (logging, versioning, policy, public access block), folded into its bucket",
  internal: true,
  terraform: {
    types: { aws_s3_bucket_logging: {}, aws_s3_bucket_versioning: {}, aws_s3_bucket_policy: {}, aws_s3_bucket_public_access_block: {} },
    map(v, tfType) {
      switch (tfType) {
        case 'aws_s3_bucket_logging':
          return part({ part: 'logging', loggingTargetBucket: setOrNull(v.target_bucket) }, v, { loggingTarget: tfRefs(v.target_bucket) });
        case 'aws_s3_bucket_versioning': {
          const vc = blocks(v.versioning_configuration)[0] ?? {};
          return part({ part: 'versioning', versioningStatus: strOrNull(vc.status), mfaDelete: strOrNull(vc.mfa_delete) }, v);
        }
        case 'aws_s3_bucket_policy':
          return part({ part: 'policy', policy: v.policy }, v);
        default:
          return part({ part: 'publicAccessBlock', publicAccessBlock: terraformFlags(v) }, v);
      }
    },
  },
  relations: { bucket: { to: ['AWS::S3::Bucket'] }, loggingTarget: { to: ['AWS::S3::Bucket'] } },
  derive: {
    foldAlong: 'bucket',
    fold(p, bucket) {
      const { part: _kind, ...props } = p.properties;
      Object.assign(bucket.properties, props);
      // The bucket's result is decided by its parts: their unresolved expressions explain it.
      if (p.unresolved) bucket.unresolved = [...(bucket.unresolved ?? []), ...p.unresolved.map((u) => `${p.origin.address ?? p.id}: ${u}`)];
      if (p.relations.loggingTarget) bucket.relations.loggingTarget = p.relations.loggingTarget;
    },
  },
});
