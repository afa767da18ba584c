import { bool, parseArn, pick } from '../util/values';
import { failed } from './live-calls';
import { apiItem, fromItem } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::SecurityHub::Hub';

export const securityhubHub = defineResource({
  type: TYPE,
  description: 'Security Hub in a region: judged per region for being enabled',
  terraform: {
    types: { aws_securityhub_account: {} },
    map: () => ({ type: TYPE, id: 'hub', name: null, arn: null, properties: { enabled: true }, refs: {} }),
  },
  config: {
    queriedLive: true,
    map: (item) => fromItem(item, { enabled: bool(pick(item.configuration, 'enabled'), true) }),
  },
  live: {
    stage: 'each-region',
    actions: ['securityhub:DescribeHub'],
    async read(ctx, r) {
      const c = ctx.clients(r);
      const action = 'securityhub:DescribeHub';
      // InvalidAccessException means "not enabled": an answer, not a failed read
      const hub = await ctx.calls.run(action, r, () => c.securityhub.send(new ctx.m.securityhub.DescribeHubCommand({})), () => 1, ['not-enabled']);
      if (failed(hub) && hub.failed.kind !== 'not-enabled') {
        ctx.gap({ region: r, resourceType: TYPE, action, reason: hub.failed.reason });
        return;
      }
      const arn = !failed(hub) ? (hub.HubArn ?? null) : null;
      ctx.push({ item: apiItem(TYPE, `${r}/hub`, r, arn, { enabled: !failed(hub) }, parseArn(arn)?.account ?? ctx.account()), source: { path: `live:${r}/${action}`, pointer: '' }, onlyProps: ['enabled'] });
    },
  },
  account: { as: 'securityHubs', regional: true, knownWhenAbsent: (kind) => kind === 'terraform' },
});
