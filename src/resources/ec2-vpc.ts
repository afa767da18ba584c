import { bool, pick, str } from '../util/values';
import { fromItem } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::EC2::VPC';

export const ec2Vpc = defineResource({
  type: TYPE,
  description: 'a VPC: judged for flow logs',
  terraform: {
    types: { aws_vpc: {}, aws_default_vpc: {} },
    map: (_v, tfType) => ({ type: TYPE, id: null, name: null, arn: null, properties: { isDefault: tfType === 'aws_default_vpc' }, refs: {} }),
  },
  config: {
    queriedLive: true,
    map: (item) => fromItem(item, { isDefault: bool(pick(item.configuration, 'isDefault'), false) }, {}, { name: item.resourceName ?? str(pick(item.configuration, 'vpcId')) }),
  },
  target: {
    incoming: [{ from: 'AWS::EC2::FlowLog', relation: 'vpc', as: 'flowLogs' }],
    gapErrors: { 'AWS::EC2::FlowLog': '$.related.flowLogs' },
  },
});
