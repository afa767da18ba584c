import { type Obj, bool, isObj, pick, str } from '../util/values';
import { failed } from './live-calls';
import { apiItem, blocks, configRefs, fromItem, tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'AWS::Config::ConfigurationRecorder';

export const configRecorder = defineResource({
  type: TYPE,
  description: 'an AWS Config recorder: judged per region for recording every resource type',
  terraform: {
    types: { aws_config_configuration_recorder: { idAttribute: 'name' } },
    map(v) {
      const rg = blocks(v.recording_group)[0];
      const strategy = rg ? str(blocks(rg.recording_strategy)[0]?.use_only) : null;
      return {
        type: TYPE,
        id: str(v.name) ?? 'default',
        name: str(v.name) ?? 'default',
        arn: null,
        properties: {
          allSupported: rg ? bool(rg.all_supported, true) : true,
          includeGlobalResourceTypes: rg ? bool(rg.include_global_resource_types, false) : false,
          recordingStrategy: strategy,
          // A recorder records only once a recorder_status resource enables it; folded in later.
          recording: false,
        },
        refs: { role: tfRefs(v.role_arn) },
      };
    },
  },
  config: {
    // The live scan asks the Config service itself (recorders and their status) instead.
    queriedLive: false,
    map(item) {
      const c = item.configuration;
      const rg = pick(c, 'recordingGroup');
      const strategy = isObj(rg) ? pick(rg, 'recordingStrategy') : undefined;
      return fromItem(
        item,
        {
          allSupported: isObj(rg) ? bool(pick(rg, 'allSupported'), false) : undefined,
          includeGlobalResourceTypes: isObj(rg) ? bool(pick(rg, 'includeGlobalResourceTypes'), false) : undefined,
          recordingStrategy: isObj(strategy) ? str(pick(strategy, 'useOnly')) : null,
          recording: bool(pick(c, 'recording') ?? pick(item.supplementary, 'ConfigurationRecorderStatus')),
        },
        { role: configRefs(pick(c, 'roleARN', 'roleArn')) },
        { name: str(pick(c, 'name')) ?? item.resourceName },
      );
    },
  },
  live: {
    stage: 'each-region',
    actions: ['config:DescribeConfigurationRecorders', 'config:DescribeConfigurationRecorderStatus'],
    async read(ctx, r) {
      const c = ctx.clients(r);
      const m = ctx.m;
      const recs = await ctx.calls.run('config:DescribeConfigurationRecorders', r, () => c.config.send(new m.config.DescribeConfigurationRecordersCommand({})), (x) => x.ConfigurationRecorders?.length ?? 0);
      const stat = await ctx.calls.run('config:DescribeConfigurationRecorderStatus', r, () => c.config.send(new m.config.DescribeConfigurationRecorderStatusCommand({})), (x) => x.ConfigurationRecordersStatus?.length ?? 0);
      if (failed(recs)) {
        ctx.gap({ region: r, resourceType: TYPE, action: 'config:DescribeConfigurationRecorders', reason: recs.failed.reason });
        return;
      }
      (recs.ConfigurationRecorders ?? []).forEach((rec, i) => {
        const st = failed(stat) ? undefined : (stat.ConfigurationRecordersStatus ?? []).find((s) => s.name === rec.name);
        ctx.push({
          item: { ...apiItem(TYPE, String(rec.name), r, rec.arn ?? null, { ...(rec as Obj), recording: st ? st.recording === true : undefined }, ctx.account()), resourceName: rec.name ?? null },
          source: { path: `live:${r}/config:DescribeConfigurationRecorders`, pointer: `/ConfigurationRecorders/${i}` },
          errors: failed(stat) ? { recording: stat.failed.reason } : undefined,
        });
      });
    },
  },
  relations: { role: { to: ['AWS::IAM::Role'] } },
  account: { as: 'recorders', regional: true, knownWhenAbsent: (kind) => kind === 'terraform' || kind === 'live' },
});
