import { fromItem } from './mapping';
import { defineResource } from './module';
import { recordedFlags, terraformFlags } from './s3-public-access';

const TYPE = 'AWS::S3::AccountPublicAccessBlock';

export const s3AccountPublicAccessBlock = defineResource({
  type: TYPE,
  description: "the account's S3 Block Public Access settings: they block public access to every bucket of the account",
  terraform: {
    types: { aws_s3_account_public_access_block: {} },
    map: (v) => ({ type: TYPE, id: 'account', name: null, arn: null, properties: { publicAccessBlock: terraformFlags(v) }, refs: {} }),
  },
  config: {
    queriedLive: true,
    map: (item) => fromItem(item, { publicAccessBlock: recordedFlags(item.configuration) }),
  },
});
