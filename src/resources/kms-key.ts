import { bool, pick, str } from '../util/values';
import { fromItem } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::KMS::Key';

export const kmsKey = defineResource({
  type: TYPE,
  description: 'a KMS key: encrypts trails, log groups and topics; judged for rotation',
  terraform: {
    types: { aws_kms_key: {} },
    map: (v) => ({
      type: TYPE,
      id: null,
      name: str(v.description),
      arn: null,
      properties: {
        keyManager: 'CUSTOMER',
        keySpec: str(v.customer_master_key_spec) ?? str(v.key_spec) ?? 'SYMMETRIC_DEFAULT',
        keyUsage: str(v.key_usage) ?? 'ENCRYPT_DECRYPT',
        enabled: bool(v.is_enabled, true),
        rotationEnabled: bool(v.enable_key_rotation, false),
      },
      refs: {},
    }),
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      const s = item.supplementary;
      const rotation = pick(c, 'keyRotationEnabled', 'enableKeyRotation') ?? pick(s, 'KeyRotationStatus', 'keyRotationEnabled');
      const state = str(pick(c, 'keyState'));
      return fromItem(
        item,
        {
          keyManager: str(pick(c, 'keyManager')),
          keySpec: str(pick(c, 'keySpec', 'customerMasterKeySpec')) ?? 'SYMMETRIC_DEFAULT',
          keyUsage: str(pick(c, 'keyUsage')) ?? 'ENCRYPT_DECRYPT',
          enabled: bool(pick(c, 'enabled'), state ? state === 'Enabled' : undefined),
          rotationEnabled: bool(rotation),
        },
        {},
        { name: str(pick(c, 'description')) ?? item.resourceName },
      );
    },
  },
  target: {
    nameFromArn: (a) => (a.resource.startsWith('key/') ? a.resource.slice(4) : null),
    // a bare key id names the key whose ARN ends in it
    matchesRef: (r, ref) => r.arn?.endsWith(`:key/${ref}`) === true,
  },
  derive: {
    properties(own) {
      for (const r of own) {
        const p = r.properties;
        p.customerManagedSymmetric = typeof p.keyManager !== 'string' ? undefined : p.keyManager === 'CUSTOMER' && p.keySpec === 'SYMMETRIC_DEFAULT' && p.enabled !== false;
      }
    },
  },
});
