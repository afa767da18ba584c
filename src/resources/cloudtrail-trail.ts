import type { SourceRef } from '../model/finding';
import type { ConfigItem } from '../model/resource';
import { type Obj, bool, isObj, parseArn, pick, setOrNull, str, strOrNull } from '../util/values';
import {
  recordedAdvancedSelectors,
  recordedSelectors,
  terraformAdvancedSelectors,
  terraformSelectors,
  trailCoverage,
} from './cloudtrail-selectors';
import { failed } from './live-calls';
import { apiItem, configRefs, fromItem, tfRefs } from './mapping';
import { type LiveContext, type LiveFinish, defineResource } from './module';

const TYPE = 'AWS::CloudTrail::Trail';

/**
 * What Config says about a trail's selectors: listed selectors when it recorded them; the AWS
 * default (all management events) when the trail has no custom selectors; unknown otherwise.
 */
function configSelectors(c: Obj, s: Obj): { eventSelectors: unknown; advancedEventSelectors: unknown } {
  const es = pick(c, 'eventSelectors') ?? pick(s, 'EventSelectors');
  const aes = pick(c, 'advancedEventSelectors') ?? pick(s, 'AdvancedEventSelectors');
  if (es !== undefined || aes !== undefined) return { eventSelectors: recordedSelectors(es), advancedEventSelectors: recordedAdvancedSelectors(aes) };
  if (bool(pick(c, 'hasCustomEventSelectors')) === false) return { eventSelectors: [], advancedEventSelectors: [] };
  return { eventSelectors: undefined, advancedEventSelectors: undefined };
}

/**
 * Trails of every region asked for (shadow trails included, deduplicated by ARN), then each
 * trail's status and selectors from its home region. The items wait for the scanning account: an
 * organization trail seen from a member belongs to the member's context.
 */
async function readTrails(ctx: LiveContext): Promise<LiveFinish> {
  const { m, calls } = ctx;
  const seen = new Map<string, { trail: Obj; source: SourceRef; errors: Record<string, string> }>();
  for (const region of ctx.regions) {
    const c = ctx.clients(region);
    const action = 'cloudtrail:DescribeTrails';
    const r = await calls.run(action, region, () => c.cloudtrail.send(new m.cloudtrail.DescribeTrailsCommand({ includeShadowTrails: true })), (x) => x.trailList?.length ?? 0);
    if (failed(r)) {
      ctx.gap({ region, resourceType: TYPE, action, reason: r.failed.reason });
      continue;
    }
    (r.trailList ?? []).forEach((t, i) => {
      if (t.TrailARN && !seen.has(t.TrailARN)) seen.set(t.TrailARN, { trail: { ...t }, source: { path: `live:${region}/${action}`, pointer: `/trailList/${i}` }, errors: {} });
    });
  }
  for (const { trail: t, errors } of seen.values()) {
    const arn = String(t.TrailARN);
    const home = String(t.HomeRegion ?? parseArn(arn)?.region ?? ctx.regions[0]);
    const client = ctx.clients(home);
    const status = await calls.run('cloudtrail:GetTrailStatus', home, () => client.cloudtrail.send(new m.cloudtrail.GetTrailStatusCommand({ Name: arn })), () => 1);
    if (failed(status)) errors.isLogging = status.failed.reason;
    else t.IsLogging = status.IsLogging === true;
    const sel = await calls.run('cloudtrail:GetEventSelectors', home, () => client.cloudtrail.send(new m.cloudtrail.GetEventSelectorsCommand({ TrailName: arn })), (x) => (x.EventSelectors?.length ?? 0) + (x.AdvancedEventSelectors?.length ?? 0));
    if (failed(sel)) {
      if (t.HasCustomEventSelectors !== false) {
        for (const p of ['eventSelectors', 'managementEvents', 's3DataEvents']) errors[p] = sel.failed.reason;
      }
    } else {
      t.EventSelectors = sel.EventSelectors ?? [];
      t.AdvancedEventSelectors = sel.AdvancedEventSelectors ?? [];
    }
  }
  // A multi-region trail's log group, filters and alarms live in the log group's region, which
  // may be outside --region: read the chain there too, or the chain would look broken.
  const account = ctx.account();
  for (const { trail: t } of seen.values()) {
    const lg = parseArn(typeof t.CloudWatchLogsLogGroupArn === 'string' ? t.CloudWatchLogsLogGroupArn : null);
    if (lg && (!account || lg.account === account)) ctx.reach(lg.region);
  }
  const list = [...seen.values()];
  return {
    accountVotes: list.map(({ trail: t }) => apiItem(TYPE, String(t.Name), null, String(t.TrailARN), t, null)),
    finish(scanAccount) {
      for (const { trail: t, source, errors } of list) {
        const arn = String(t.TrailARN);
        const arnAccount = parseArn(arn)?.account ?? null;
        // an organization trail from the management account shows up in members: it belongs to the viewer's context
        const viewer = t.IsOrganizationTrail === true && scanAccount ? scanAccount : arnAccount;
        const home = typeof t.HomeRegion === 'string' ? t.HomeRegion : (parseArn(arn)?.region ?? null);
        ctx.push({ item: { ...apiItem(TYPE, String(t.Name), home, arn, t, viewer), resourceName: String(t.Name) }, source, errors });
      }
    },
  };
}

export const cloudtrailTrail = defineResource({
  type: TYPE,
  description: 'a CloudTrail trail: where account activity is recorded, the start of every monitoring chain',
  terraform: {
    types: { aws_cloudtrail: { idAttribute: 'name' } },
    map: (v) => ({
      type: TYPE,
      id: str(v.name),
      name: str(v.name),
      arn: null,
      properties: {
        isMultiRegion: bool(v.is_multi_region_trail, false),
        isLogging: bool(v.enable_logging, true),
        logFileValidation: bool(v.enable_log_file_validation, false),
        kmsKeyId: setOrNull(v.kms_key_id),
        s3BucketName: setOrNull(v.s3_bucket_name),
        cloudWatchLogsLogGroupArn: setOrNull(v.cloud_watch_logs_group_arn),
        includeGlobalServiceEvents: bool(v.include_global_service_events, true),
        isOrganizationTrail: bool(v.is_organization_trail, false),
        eventSelectors: v.event_selector === undefined && v.advanced_event_selector === undefined ? [] : terraformSelectors(v),
        advancedEventSelectors: terraformAdvancedSelectors(v),
        // Terraform only expresses intent; whether the trail logs is decided by enable_logging.
        statusSource: 'configuration',
      },
      refs: {
        bucket: tfRefs(v.s3_bucket_name),
        kmsKey: tfRefs(v.kms_key_id),
        logGroup: tfRefs(v.cloud_watch_logs_group_arn),
        role: tfRefs(v.cloud_watch_logs_role_arn),
      },
    }),
  },
  config: {
    queriedLive: true,
    map(item) {
      const c = item.configuration;
      const s = item.supplementary;
      return fromItem(
        item,
        {
          isMultiRegion: bool(pick(c, 'isMultiRegionTrail'), false),
          // Config does not record whether a trail is logging: only a live scan can tell.
          isLogging: bool(pick(c, 'isLogging') ?? pick(s, 'IsLogging', 'TrailStatus')),
          logFileValidation: bool(pick(c, 'logFileValidationEnabled', 'enableLogFileValidation'), false),
          kmsKeyId: strOrNull(pick(c, 'kmsKeyId')),
          s3BucketName: strOrNull(pick(c, 's3BucketName')),
          cloudWatchLogsLogGroupArn: strOrNull(pick(c, 'cloudWatchLogsLogGroupArn')),
          includeGlobalServiceEvents: bool(pick(c, 'includeGlobalServiceEvents'), true),
          isOrganizationTrail: bool(pick(c, 'isOrganizationTrail'), false),
          homeRegion: str(pick(c, 'homeRegion')) ?? item.region,
          ...configSelectors(c, s),
          statusSource: 'aws-config',
        },
        {
          bucket: configRefs(pick(c, 's3BucketName')),
          kmsKey: configRefs(pick(c, 'kmsKeyId')),
          logGroup: configRefs(pick(c, 'cloudWatchLogsLogGroupArn')),
          role: configRefs(pick(c, 'cloudWatchLogsRoleArn')),
        },
        { name: str(pick(c, 'name')) ?? item.resourceName ?? item.resourceId, arn: item.arn ?? str(pick(c, 'trailARN', 'arn')) },
      );
    },
  },
  live: {
    stage: 'account',
    actions: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
    read: readTrails,
    votesForAccount: (item: ConfigItem) => !(isObj(item.configuration) && item.configuration.IsOrganizationTrail === true),
  },
  relations: {
    bucket: { to: ['AWS::S3::Bucket'] },
    kmsKey: { to: ['AWS::KMS::Key', 'AWS::KMS::Alias'] },
    logGroup: { to: ['AWS::Logs::LogGroup'] },
    role: { to: ['AWS::IAM::Role'] },
  },
  derive: {
    properties(own) {
      for (const r of own) {
        const p = r.properties;
        Object.assign(p, trailCoverage(p));
        const a = parseArn(r.arn);
        const ownAccount = r.account;
        p.organizationTrailFrom = p.isOrganizationTrail === true && a && ownAccount && a.account !== ownAccount ? a.account : null;
      }
    },
  },
  account: { as: 'trails', regional: false, knownWhenAbsent: (kind) => kind === 'terraform' || kind === 'live' },
});
