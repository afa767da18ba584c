import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { PolicyDocument } from '../policies';
import { type BuildContext, json } from './context';

/** A symmetric customer-managed key with yearly rotation (CIS 3.6) and a policy of our own. */
export function customerKey(ctx: BuildContext, id: string, description: string, policy: PolicyDocument): KmsKey {
  const { stack, config } = ctx;
  const key = new KmsKey(stack, id, {
    description,
    enableKeyRotation: true,
    deletionWindowInDays: config.trail.keyDeletionWindowDays,
    keyUsage: 'ENCRYPT_DECRYPT',
    customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    policy: json(policy),
  });
  new KmsAlias(stack, `${id}_alias`, { name: `alias/${config.namePrefix}/${id.replace(/_key$/, '').replace(/_/g, '-')}`, targetKeyId: key.keyId });
  return key;
}
