import { type Obj, asArray, isObj, parseArn, pick, setOrNull, str, strOrNull } from '../util/values';
import { allPages } from './live-calls';
import { apiItem, configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::SNS::Topic';

export const snsTopic = defineResource({
  type: TYPE,
  description: 'an SNS topic: the end of a monitoring chain, where alarms reach people through confirmed subscriptions',
  terraform: {
    types: { aws_sns_topic: {} },
    map: (v) => ({
      type: TYPE,
      id: str(v.name),
      name: str(v.name),
      arn: null,
      properties: { kmsMasterKeyId: setOrNull(v.kms_master_key_id) },
      refs: { kmsKey: tfRefs(v.kms_master_key_id) },
    }),
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      const subs = pick(c, 'Subscription', 'subscriptions');
      const arn = item.arn ?? str(pick(c, 'TopicArn'));
      return fromItem(
        item,
        {
          kmsMasterKeyId: strOrNull(pick(c, 'KmsMasterKeyId')),
          // Config's topic item does not list subscriptions unless the newer schema recorded them.
          confirmedSubscriptions: subs === undefined ? undefined : asArray(subs).filter(isObj).length,
        },
        { kmsKey: configRefs(pick(c, 'KmsMasterKeyId')) },
        { arn, name: item.resourceName ?? (arn ? arn.split(':').pop() ?? null : null) },
      );
    },
  },
  live: {
    // Config does not record subscriptions: the topics alarms notify are asked for theirs.
    stage: 'referenced',
    actions: ['sns:ListSubscriptionsByTopic'],
    async read(ctx) {
      for (const arn of [...ctx.referenced(TYPE)].sort()) {
        const a = parseArn(arn);
        if (!a) continue;
        const client = ctx.clients(a.region);
        const action = 'sns:ListSubscriptionsByTopic';
        const r = await allPages(
          ctx.calls,
          action,
          a.region,
          (NextToken) => client.sns.send(new ctx.m.sns.ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken })),
          (x) => x.Subscriptions ?? [],
          (x) => x.NextToken,
        );
        const confirmed = (r.items as Obj[]).filter((s) => typeof s.SubscriptionArn === 'string' && s.SubscriptionArn.startsWith('arn:'));
        const errors: Record<string, string> = {};
        let configuration: Obj = { TopicArn: arn, Subscription: confirmed };
        if (r.failure?.kind === 'not-found') configuration = { TopicArn: arn, Subscription: [], exists: false };
        else if (r.failure) {
          configuration = { TopicArn: arn };
          errors.confirmedSubscriptions = r.failure.reason;
        }
        ctx.push({ item: apiItem(TYPE, arn, a.region, arn, configuration, a.account), source: { path: `live:${a.region}/${action}`, pointer: '' }, onlyProps: ['confirmedSubscriptions'], errors });
      }
    },
  },
  relations: { kmsKey: { to: ['AWS::KMS::Key', 'AWS::KMS::Alias'] } },
  target: {
    nameFromArn: (a) => (a.service === 'sns' ? a.resource : null),
    incoming: [
      { from: 'AWS::SNS::Subscription', relation: 'topic', as: 'subscriptions' },
      { from: 'AWS::CloudWatch::Alarm', relation: 'topics', as: 'alarms' },
    ],
    gapErrors: { 'AWS::SNS::Subscription': '$.confirmedSubscriptions' },
  },
  derive: {
    properties(own, view) {
      const counted = new Map<string, number>();
      for (const s of view.ofType('AWS::SNS::Subscription')) {
        if (s.properties.pendingConfirmation === true) continue;
        for (const t of s.relations.topic ?? []) counted.set(t, (counted.get(t) ?? 0) + 1);
      }
      for (const r of own) {
        const p = r.properties;
        const n = counted.get(r.key);
        if (n !== undefined) p.confirmedSubscriptions = Math.max(n, typeof p.confirmedSubscriptions === 'number' ? p.confirmedSubscriptions : 0);
        else if (r.origin.kind === 'terraform') p.confirmedSubscriptions = 0;
      }
    },
  },
});
