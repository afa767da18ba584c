import type { Resource } from '../model/resource';
import { bool, isObj, maybeJson, pick, setOrNull, str, strOrNull } from '../util/values';
import { blocks, configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';
import { denyInsecureTransport } from './s3-bucket-policy';
import { allBlocked, recordedFlags } from './s3-public-access';

const TYPE = 'AWS::S3::Bucket';

function legacyVersioning(enabled: boolean | null | undefined): string | undefined {
  return enabled === undefined || enabled === null ? undefined : enabled ? 'Enabled' : 'Suspended';
}

export const s3Bucket = defineResource({
  type: TYPE,
  description: "an S3 bucket: a trail's log archive, judged for access logging, versioning, TLS-only policy and public access",
  terraform: {
    types: { aws_s3_bucket: { idAttribute: 'bucket' } },
    map(v) {
      const logging = blocks(v.logging)[0];
      const versioning = blocks(v.versioning)[0];
      return {
        type: TYPE,
        id: str(v.bucket),
        name: str(v.bucket),
        arn: null,
        properties: {
          // Legacy inline arguments; the split resources (s3-bucket-part) override them when present.
          loggingTargetBucket: logging ? setOrNull(logging.target_bucket) : null,
          // An expression (`enabled = var.versioning`) is unknown, not Suspended.
          versioningStatus: versioning ? legacyVersioning(bool(versioning.enabled, false)) : null,
          policy: v.policy === undefined ? null : v.policy,
          publicAccessBlock: null,
        },
        refs: { loggingTarget: logging ? tfRefs(logging.target_bucket) : [] },
      };
    },
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      const s = item.supplementary;
      const logging = pick(s, 'BucketLoggingConfiguration');
      const versioning = pick(s, 'BucketVersioningConfiguration');
      const policy = pick(s, 'BucketPolicy');
      const pab = pick(s, 'PublicAccessBlockConfiguration');
      const policyText = isObj(policy) ? maybeJson(pick(policy, 'policyText')) : undefined;
      return fromItem(
        item,
        {
          loggingTargetBucket: isObj(logging) ? strOrNull(pick(logging, 'destinationBucketName')) : logging === undefined ? undefined : null,
          versioningStatus: isObj(versioning) ? strOrNull(pick(versioning, 'status')) : versioning === undefined ? undefined : null,
          policy: policy === undefined ? undefined : (policyText ?? null),
          publicAccessBlock: pab === undefined ? null : recordedFlags(pab),
        },
        { loggingTarget: isObj(logging) ? configRefs(pick(logging, 'destinationBucketName')) : [] },
        { name: str(pick(c, 'name')) ?? item.resourceName ?? item.resourceId },
      );
    },
  },
  relations: { loggingTarget: { to: [TYPE] } },
  target: {
    nameFromArn: (a) => (a.service === 's3' ? a.resource.split('/')[0] : null),
    incoming: [{ from: 'AWS::CloudTrail::Trail', relation: 'bucket', as: 'trails' }],
  },
  derive: {
    properties(own, view) {
      const accountBlocks = new Map<string, boolean | undefined>();
      for (const r of view.ofType('AWS::S3::AccountPublicAccessBlock')) accountBlocks.set(r.context, allBlocked(r.properties.publicAccessBlock));
      const trailBuckets = new Set(view.ofType('AWS::CloudTrail::Trail').flatMap((t: Resource) => t.relations.bucket ?? []));
      for (const r of own) {
        const p = r.properties;
        p.loggingEnabled = p.loggingTargetBucket === undefined ? undefined : p.loggingTargetBucket !== null;
        p.versioningEnabled = p.versioningStatus === undefined ? undefined : p.versioningStatus === 'Enabled';
        p.tlsOnly = denyInsecureTransport(p.policy);
        const ownBlock = allBlocked(p.publicAccessBlock ?? null);
        const account = accountBlocks.get(r.context);
        p.publicAccessBlocked = ownBlock === true || account === true ? true : ownBlock === undefined || (account === undefined && r.origin.kind !== 'terraform') ? undefined : false;
        p.isTrailBucket = trailBuckets.has(r.key);
      }
    },
  },
});
