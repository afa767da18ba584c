import type { SourceRef } from '../model/finding';
import { type Gap, type ModelPart, RT, emptyPart } from '../model/resource';
import { type Obj, isObj, parseArn } from '../util/values';
import type { ConfigItem } from './config-items';
import { configContextKey, configItemResource, contextsFor } from './config-files';
import { readConfigItem } from './config-items';
import { LiveCalls, allPages, failed } from './live-calls';
import { type ClientSettings, type RegionClients, type Sdk, clientsFor, defaultRegion, destroyAll, sdk } from './live-clients';

/**
 * The live scan: AWS Config (advanced query, or list + batch get when the query is denied, or an
 * aggregator for many accounts) for what it records, and the service APIs for what Config does
 * not know: trail status and event selectors, metric filters, alarms, topic subscriptions,
 * recorder status and Security Hub. Read-only; docs/iam-policy.json lists every action.
 *
 * With an aggregator, Config-recorded resources come for every account it aggregates, but the
 * service APIs answer only for the account whose credentials run the scan: other accounts'
 * monitoring chains are reported as not decided rather than guessed.
 */

/** Types read from Config; the service APIs below add to (and override) what Config says. */
export const CONFIG_TYPES = [RT.Trail, RT.Bucket, RT.AccountPublicAccessBlock, RT.Key, RT.Vpc, RT.FlowLog, RT.LogGroup, RT.Topic, RT.Alarm, RT.Role, RT.SecurityHub];

export const SELECT_EXPRESSION = `SELECT accountId, awsRegion, resourceId, resourceName, resourceType, arn, configuration, supplementaryConfiguration, configurationItemStatus WHERE resourceType IN (${CONFIG_TYPES.map((t) => `'${t}'`).join(', ')})`;

export interface LiveOptions {
  regions?: string[];
  aggregator?: string;
  /** Endpoint override for every client (tests, VPC endpoints, LocalStack-like targets). */
  endpoint?: string;
}

interface Collected {
  items: { item: ConfigItem; source: SourceRef; onlyProps?: string[]; errors?: Record<string, string> }[];
  gaps: Omit<Gap, 'context' | 'account'>[];
}

type LiveSettings = LiveOptions & ClientSettings;

function parseResult(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Items of a Config reply into the model's input list; unusable ones are counted on the call's input record. */
function pushItems(out: Collected, calls: LiveCalls, action: string, region: string, raws: unknown[], base: string): void {
  const path = `live:${region}/${action}`;
  raws.forEach((raw, i) => {
    const r = readConfigItem(parseResult(raw));
    if ('skip' in r) calls.skip(action, region, 1, r.skip, `${base}/${i}`);
    else out.items.push({ item: r.item, source: { path, pointer: `${base}/${i}` } });
  });
}

async function configItems(m: Sdk, c: RegionClients, calls: LiveCalls, out: Collected, aggregator?: string): Promise<void> {
  if (aggregator) {
    const action = 'config:SelectAggregateResourceConfig';
    const r = await allPages(
      calls,
      action,
      c.region,
      (NextToken) => c.config.send(new m.config.SelectAggregateResourceConfigCommand({ Expression: SELECT_EXPRESSION, ConfigurationAggregatorName: aggregator, Limit: 100, NextToken })),
      (x) => x.Results ?? [],
      (x) => x.NextToken,
    );
    pushItems(out, calls, action, c.region, r.items, '/Results');
    if (r.failure) for (const t of CONFIG_TYPES) out.gaps.push({ region: null, resourceType: t, action, reason: r.failure.reason });
    return;
  }
  const action = 'config:SelectResourceConfig';
  const r = await allPages(
    calls,
    action,
    c.region,
    (NextToken) => c.config.send(new m.config.SelectResourceConfigCommand({ Expression: SELECT_EXPRESSION, Limit: 100, NextToken })),
    (x) => x.Results ?? [],
    (x) => x.NextToken,
  );
  pushItems(out, calls, action, c.region, r.items, '/Results');
  if (!r.failure) return;
  // Advanced query refused (often only that permission is missing): list + batch get says the same.
  for (const type of CONFIG_TYPES) {
    const listAction = 'config:ListDiscoveredResources';
    const listed = await allPages(
      calls,
      listAction,
      c.region,
      (nextToken) => c.config.send(new m.config.ListDiscoveredResourcesCommand({ resourceType: type as never, nextToken })),
      (x) => x.resourceIdentifiers ?? [],
      (x) => x.nextToken,
    );
    if (listed.failure) {
      out.gaps.push({ region: c.region, resourceType: type, action: listAction, reason: `${r.failure.reason}; fallback: ${listed.failure.reason}` });
      continue;
    }
    const keys = (listed.items as { resourceType?: string; resourceId?: string }[])
      .filter((k) => k.resourceId)
      .map((k) => ({ resourceType: (k.resourceType ?? type) as never, resourceId: k.resourceId! }));
    for (let i = 0; i < keys.length; i += 100) {
      const batchAction = 'config:BatchGetResourceConfig';
      const got = await calls.run(batchAction, c.region, () => c.config.send(new m.config.BatchGetResourceConfigCommand({ resourceKeys: keys.slice(i, i + 100) })), (x) => x.baseConfigurationItems?.length ?? 0);
      if (failed(got)) {
        out.gaps.push({ region: c.region, resourceType: type, action: batchAction, reason: got.failed.reason });
        break;
      }
      pushItems(out, calls, batchAction, c.region, got.baseConfigurationItems ?? [], '/baseConfigurationItems');
      const left = got.unprocessedResourceKeys ?? [];
      if (left.length > 0) out.gaps.push({ region: c.region, resourceType: type, action: batchAction, reason: `${left.length} resources left unprocessed by Config` });
    }
  }
}

function apiItem(type: string, id: string, region: string | null, arn: string | null, configuration: Obj, account: string | null): ConfigItem {
  return { resourceType: type, resourceId: id, resourceName: null, arn, account, region, status: 'OK', captureTime: null, configuration, supplementary: {} };
}

async function trails(m: Sdk, byRegion: Map<string, RegionClients>, settings: LiveSettings, calls: LiveCalls, out: Collected): Promise<Obj[]> {
  const seen = new Map<string, Obj>();
  for (const c of byRegion.values()) {
    const action = 'cloudtrail:DescribeTrails';
    const r = await calls.run(action, c.region, () => c.cloudtrail.send(new m.cloudtrail.DescribeTrailsCommand({ includeShadowTrails: true })), (x) => x.trailList?.length ?? 0);
    if (failed(r)) {
      out.gaps.push({ region: c.region, resourceType: RT.Trail, action, reason: r.failed.reason });
      continue;
    }
    (r.trailList ?? []).forEach((t, i) => {
      if (t.TrailARN && !seen.has(t.TrailARN)) seen.set(t.TrailARN, { ...t, __source: { path: `live:${c.region}/${action}`, pointer: `/trailList/${i}` } });
    });
  }
  for (const t of seen.values()) {
    const arn = String(t.TrailARN);
    const home = String(t.HomeRegion ?? parseArn(arn)?.region ?? [...byRegion.keys()][0]);
    let c = byRegion.get(home);
    if (!c) {
      c = clientsFor(m, home, settings);
      byRegion.set(home, c);
    }
    const client = c;
    const errors: Record<string, string> = {};
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
    t.__errors = errors;
  }
  return [...seen.values()];
}

/** Metric filters, log groups and alarms of a region: the middle of the monitoring chain. */
async function chainApis(m: Sdk, c: RegionClients, calls: LiveCalls, out: Collected, account: () => string | null): Promise<{ alarms: Obj[] }> {
  const r = c.region;
  const filters = await allPages(
    calls,
    'logs:DescribeMetricFilters',
    r,
    (nextToken) => c.logs.send(new m.logs.DescribeMetricFiltersCommand({ nextToken })),
    (x) => x.metricFilters ?? [],
    (x) => x.nextToken,
  );
  if (filters.failure) out.gaps.push({ region: r, resourceType: RT.MetricFilter, action: 'logs:DescribeMetricFilters', reason: filters.failure.reason });
  (filters.items as Obj[]).forEach((f, i) => {
    const id = `${String(f.logGroupName)}/${String(f.filterName)}`;
    out.items.push({ item: apiItem(RT.MetricFilter, id, r, null, f, account()), source: { path: `live:${r}/logs:DescribeMetricFilters`, pointer: `/metricFilters/${i}` } });
  });

  const groups = await allPages(
    calls,
    'logs:DescribeLogGroups',
    r,
    (nextToken) => c.logs.send(new m.logs.DescribeLogGroupsCommand({ nextToken })),
    (x) => x.logGroups ?? [],
    (x) => x.nextToken,
  );
  if (groups.failure) out.gaps.push({ region: r, resourceType: RT.LogGroup, action: 'logs:DescribeLogGroups', reason: groups.failure.reason });
  (groups.items as Obj[]).forEach((g, i) => {
    const arn = typeof g.arn === 'string' ? g.arn.replace(/:\*$/, '') : null;
    out.items.push({
      item: { ...apiItem(RT.LogGroup, String(g.logGroupName), r, arn, g, parseArn(arn)?.account ?? account()), resourceName: String(g.logGroupName) },
      source: { path: `live:${r}/logs:DescribeLogGroups`, pointer: `/logGroups/${i}` },
    });
  });

  const alarms = await allPages(
    calls,
    'cloudwatch:DescribeAlarms',
    r,
    (NextToken) => c.cloudwatch.send(new m.cloudwatch.DescribeAlarmsCommand({ NextToken, AlarmTypes: ['MetricAlarm'] })),
    (x) => x.MetricAlarms ?? [],
    (x) => x.NextToken,
  );
  if (alarms.failure) out.gaps.push({ region: r, resourceType: RT.Alarm, action: 'cloudwatch:DescribeAlarms', reason: alarms.failure.reason });
  (alarms.items as Obj[]).forEach((a, i) => {
    const arn = typeof a.AlarmArn === 'string' ? a.AlarmArn : null;
    out.items.push({
      item: { ...apiItem(RT.Alarm, String(a.AlarmName), r, arn, a, parseArn(arn)?.account ?? account()), resourceName: String(a.AlarmName) },
      source: { path: `live:${r}/cloudwatch:DescribeAlarms`, pointer: `/MetricAlarms/${i}` },
    });
  });

  return { alarms: alarms.items as Obj[] };
}

/** Per-region services the per-region controls read: Config recorders (3.3) and Security Hub (4.16). */
async function regionServices(m: Sdk, c: RegionClients, calls: LiveCalls, out: Collected, account: () => string | null): Promise<void> {
  const r = c.region;
  const recs = await calls.run('config:DescribeConfigurationRecorders', r, () => c.config.send(new m.config.DescribeConfigurationRecordersCommand({})), (x) => x.ConfigurationRecorders?.length ?? 0);
  const stat = await calls.run('config:DescribeConfigurationRecorderStatus', r, () => c.config.send(new m.config.DescribeConfigurationRecorderStatusCommand({})), (x) => x.ConfigurationRecordersStatus?.length ?? 0);
  if (failed(recs)) out.gaps.push({ region: r, resourceType: RT.Recorder, action: 'config:DescribeConfigurationRecorders', reason: recs.failed.reason });
  else {
    (recs.ConfigurationRecorders ?? []).forEach((rec, i) => {
      const st = failed(stat) ? undefined : (stat.ConfigurationRecordersStatus ?? []).find((s) => s.name === rec.name);
      out.items.push({
        item: { ...apiItem(RT.Recorder, String(rec.name), r, rec.arn ?? null, { ...(rec as Obj), recording: st ? st.recording === true : undefined }, account()), resourceName: rec.name ?? null },
        source: { path: `live:${r}/config:DescribeConfigurationRecorders`, pointer: `/ConfigurationRecorders/${i}` },
        errors: failed(stat) ? { recording: stat.failed.reason } : undefined,
      });
    });
  }

  const hub = await calls.run('securityhub:DescribeHub', r, () => c.securityhub.send(new m.securityhub.DescribeHubCommand({})), () => 1, ['not-enabled']);
  if (failed(hub) && hub.failed.kind !== 'not-enabled') out.gaps.push({ region: r, resourceType: RT.SecurityHub, action: 'securityhub:DescribeHub', reason: hub.failed.reason });
  else {
    const enabled = !failed(hub);
    const arn = !failed(hub) ? (hub.HubArn ?? null) : null;
    out.items.push({
      item: apiItem(RT.SecurityHub, `${r}/hub`, r, arn, { enabled }, parseArn(arn)?.account ?? account()),
      source: { path: `live:${r}/securityhub:DescribeHub`, pointer: '' },
      onlyProps: ['enabled'],
    });
  }
}

async function subscriptions(m: Sdk, byRegion: Map<string, RegionClients>, settings: LiveSettings, calls: LiveCalls, out: Collected, topicArns: Set<string>): Promise<void> {
  for (const arn of [...topicArns].sort()) {
    const a = parseArn(arn);
    if (!a) continue;
    let c = byRegion.get(a.region);
    if (!c) {
      c = clientsFor(m, a.region, settings);
      byRegion.set(a.region, c);
    }
    const client = c;
    const action = 'sns:ListSubscriptionsByTopic';
    const r = await allPages(
      calls,
      action,
      a.region,
      (NextToken) => client.sns.send(new m.sns.ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken })),
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
    out.items.push({
      item: apiItem(RT.Topic, arn, a.region, arn, configuration, a.account),
      source: { path: `live:${a.region}/${action}`, pointer: '' },
      onlyProps: ['confirmedSubscriptions'],
      errors,
    });
  }
}

/** The account the credentials belong to, as most ARNs of its own resources say (no STS call needed). */
function majorityAccount(items: Collected['items']): string | null {
  const votes = new Map<string, number>();
  for (const { item } of items) {
    const acct = item.account ?? parseArn(item.arn)?.account;
    if (!acct) continue;
    if (item.resourceType === RT.Trail && isObj(item.configuration) && item.configuration.IsOrganizationTrail === true) continue;
    votes.set(acct, (votes.get(acct) ?? 0) + 1);
  }
  return [...votes].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
}

export async function readLive(settings: LiveSettings): Promise<ModelPart> {
  const part = emptyPart();
  const m = await sdk();
  const regions = settings.regions && settings.regions.length > 0 ? settings.regions : [await defaultRegion(m)].filter((r): r is string => !!r);
  if (regions.length === 0) {
    part.inputs.push({ path: 'live:', kind: 'live', status: 'error', records: 0, sha256: null, reason: 'no region: pass --region or set AWS_REGION' });
    return part;
  }
  const byRegion = new Map(regions.map((r) => [r, clientsFor(m, r, settings)]));
  const calls = new LiveCalls();
  const out: Collected = { items: [], gaps: [] };
  try {
    if (settings.aggregator) await configItems(m, byRegion.get(regions[0])!, calls, out, settings.aggregator);
    else for (const r of regions) await configItems(m, byRegion.get(r)!, calls, out);
    let account: string | null = null;
    const who = () => account;
    for (const r of regions) {
      await regionServices(m, byRegion.get(r)!, calls, out, who);
      account = majorityAccount(out.items);
    }
    const trailList = await trails(m, byRegion, settings, calls, out);
    // A multi-region trail's log group, filters and alarms live in the log group's region, which
    // may be outside --region: read the chain there too, or the chain would look broken.
    const chainRegions = [...regions];
    for (const t of trailList) {
      const lg = parseArn(typeof t.CloudWatchLogsLogGroupArn === 'string' ? t.CloudWatchLogsLogGroupArn : null);
      if (lg && !chainRegions.includes(lg.region) && (!account || lg.account === account)) chainRegions.push(lg.region);
    }
    const alarms: Obj[] = [];
    for (const r of chainRegions) {
      let c = byRegion.get(r);
      if (!c) {
        c = clientsFor(m, r, settings);
        byRegion.set(r, c);
      }
      const got = await chainApis(m, c, calls, out, who);
      alarms.push(...got.alarms);
      account = majorityAccount(out.items);
    }
    // nothing else named the account: the trails' own ARNs (organization trails excepted) do
    account = majorityAccount(out.items) ?? majorityAccount(trailList.map((t) => ({ item: apiItem(RT.Trail, String(t.Name), null, String(t.TrailARN), t, null), source: { path: '' } })));
    for (const t of trailList) {
      const arn = String(t.TrailARN);
      const { __source, __errors, ...conf } = t;
      const arnAccount = parseArn(arn)?.account ?? null;
      // an organization trail from the management account shows up in members: it belongs to the viewer's context
      const viewer = t.IsOrganizationTrail === true && account ? account : arnAccount;
      out.items.push({
        item: { ...apiItem(RT.Trail, String(t.Name), typeof t.HomeRegion === 'string' ? t.HomeRegion : (parseArn(arn)?.region ?? null), arn, conf, viewer), resourceName: String(t.Name) },
        source: __source as SourceRef,
        errors: __errors as Record<string, string>,
      });
    }
    const topics = new Set<string>();
    for (const a of alarms) for (const act of (a.AlarmActions as string[] | undefined) ?? []) if (parseArn(act)?.service === 'sns') topics.add(act);
    await subscriptions(m, byRegion, settings, calls, out, topics);

    for (const { item, source, onlyProps, errors } of out.items) {
      const res = configItemResource(item.account ? item : { ...item, account }, 'live', source, settings.aggregator);
      if (!res) continue;
      if (onlyProps) for (const k of Object.keys(res.properties)) if (!onlyProps.includes(k)) delete res.properties[k];
      if (errors && Object.keys(errors).length > 0) res.errors = errors;
      part.resources.push(res);
    }
    const ctxAccount = account;
    for (const g of out.gaps) {
      part.gaps.push({ ...g, context: configContextKey('live', ctxAccount, settings.aggregator), account: ctxAccount });
    }
    const contexts = contextsFor(part.resources, 'live', { path: `live:${regions.join(',')}` }, regions);
    // per-region controls judge the regions asked for, not every region a resource mentions
    for (const c of contexts) if (c.account === ctxAccount) c.regions = [...regions];
    // the scanning account always has a context, so its gaps count even when nothing could be read
    const own = configContextKey('live', ctxAccount, settings.aggregator);
    if (!contexts.some((c) => c.key === own)) {
      contexts.push({ key: own, kind: 'live', stack: settings.aggregator ?? null, account: ctxAccount, regions: [...regions], source: { path: `live:${regions.join(',')}` } });
    }
    part.contexts.push(...contexts);
  } finally {
    destroyAll([...byRegion.values()]);
  }
  part.inputs.push(...calls.inputs.values());
  return part;
}
