import { str } from '../util/values';
import { tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::KMS::Alias';

export const kmsAlias = defineResource({
  type: TYPE,
  description: 'a KMS alias: a reference to `alias/x` lands on the key it names',
  internal: true,
  terraform: {
    types: { aws_kms_alias: { idAttribute: 'name' } },
    map: (v) => ({ type: TYPE, id: str(v.name), name: str(v.name), arn: null, properties: {}, refs: { key: tfRefs(v.target_key_id) } }),
  },
  relations: { key: { to: ['AWS::KMS::Key'] } },
  target: {
    nameFromArn: (a) => (a.resource.startsWith('alias/') ? a.resource : null),
    resolvesThrough: 'key',
  },
});
