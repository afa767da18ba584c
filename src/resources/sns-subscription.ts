import { setOrNull, strOrNull } from '../util/values';
import { tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::SNS::Subscription';

export const snsSubscription = defineResource({
  type: TYPE,
  description: "an SNS subscription a stack declares: counts towards its topic's confirmed subscriptions",
  terraform: {
    types: { aws_sns_topic_subscription: {} },
    map: (v) => ({
      type: TYPE,
      id: null,
      name: null,
      arn: null,
      properties: { protocol: strOrNull(v.protocol), endpoint: strOrNull(v.endpoint), topicArn: setOrNull(v.topic_arn), pendingConfirmation: false },
      refs: { topic: tfRefs(v.topic_arn) },
    }),
  },
  relations: { topic: { to: ['AWS::SNS::Topic'] } },
});
