import { pick, str } from '../util/values';
import { fromItem } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::IAM::Role';

export const iamRole = defineResource({
  type: TYPE,
  description: 'an IAM role: what a trail delivers to CloudWatch Logs with and a recorder records with',
  terraform: {
    types: { aws_iam_role: { idAttribute: 'name' } },
    map: (v) => ({ type: TYPE, id: str(v.name), name: str(v.name), arn: null, properties: {}, refs: {} }),
  },
  config: {
    queriedLive: true,
    map: (item) => fromItem(item, {}, {}, { name: str(pick(item.configuration, 'roleName')) ?? item.resourceName }),
  },
  target: { nameFromArn: (a) => (a.resource.startsWith('role/') ? a.resource.split('/').pop() ?? null : null) },
});
