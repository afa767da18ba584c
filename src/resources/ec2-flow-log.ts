import { pick, str, strOrNull } from '../util/values';
import { configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::EC2::FlowLog';

export const ec2FlowLog = defineResource({
  type: TYPE,
  description: "a VPC flow log: records its VPC's traffic",
  terraform: {
    types: { aws_flow_log: {} },
    map: (v) => ({
      type: TYPE,
      id: null,
      name: null,
      arn: null,
      properties: { trafficType: strOrNull(v.traffic_type), logDestinationType: str(v.log_destination_type) ?? 'cloud-watch-logs', status: 'ACTIVE' },
      refs: { vpc: tfRefs(v.vpc_id) },
    }),
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      return fromItem(
        item,
        { trafficType: strOrNull(pick(c, 'trafficType')), logDestinationType: strOrNull(pick(c, 'logDestinationType')), status: strOrNull(pick(c, 'flowLogStatus')) },
        { vpc: configRefs(pick(c, 'resourceId')) },
      );
    },
  },
  relations: { vpc: { to: ['AWS::EC2::VPC'] } },
});
