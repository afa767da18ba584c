import type { SourceRef } from '../model/finding';
import type { ConfigItem, Gap, ModelPart } from '../model/resource';
import { emptyPart } from '../model/resource';
import { parseArn } from '../util/values';
import { LiveCalls, allPages, failed } from '../resources/live-calls';
import { type ClientSettings, type RegionClients, type Sdk, clientsFor, defaultRegion, destroyAll, sdk } from '../resources/live-clients';
import type { LiveContext, LiveFinish, LiveItem, LiveStage } from '../resources/module';
import { RESOURCES, resourceModule } from '../resources/registry';
import { configContextKey, configItemResource, contextsFor } from './config-files';
import { readConfigItem } from './config-items';

/**
 * The live scan: AWS Config (advanced query, or list + batch get when the query is denied, or an
 * aggregator for many accounts) for the registered types it records, then each type's own live
 * reader (src/resources/) for what Config does not know: trail status and event selectors,
 * metric filters, alarms, topic subscriptions, recorder status and Security Hub, in the stages
 * resources/module.ts describes. Read-only; the actions are the Config stage's and the readers'
 * declared ones (liveReadActions, which docs/iam-policy.json and the posture function's grant
 * are generated from).
 *
 * With an aggregator, Config-recorded resources come for every account it aggregates, but the
 * service APIs answer only for the account whose credentials run the scan: other accounts'
 * monitoring chains are reported as not decided rather than guessed.
 */

/** Types read from Config; the types' live readers add to (and override) what Config says. */
const CONFIG_TYPES = RESOURCES.filter((m) => m.config?.queriedLive).map((m) => m.type);

/** What the Config stage may call: the advanced query (or an aggregator's), and list + batch get when the query is refused. */
const CONFIG_ACTIONS = ['config:SelectResourceConfig', 'config:SelectAggregateResourceConfig', 'config:ListDiscoveredResources', 'config:BatchGetResourceConfig'];

const SELECT_EXPRESSION = `SELECT accountId, awsRegion, resourceId, resourceName, resourceType, arn, configuration, supplementaryConfiguration, configurationItemStatus WHERE resourceType IN (${CONFIG_TYPES.map((t) => `'${t}'`).join(', ')})`;

export interface LiveOptions {
  regions?: string[];
  aggregator?: string;
  /** Endpoint override for every client (tests, VPC endpoints, LocalStack-like targets). */
  endpoint?: string;
}

interface Collected {
  items: LiveItem[];
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

/** The account the credentials belong to, as most ARNs of its own resources say (no STS call needed). */
function majorityAccount(items: readonly { item: ConfigItem }[]): string | null {
  const votes = new Map<string, number>();
  for (const { item } of items) {
    const acct = item.account ?? parseArn(item.arn)?.account;
    if (!acct) continue;
    if (resourceModule(item.resourceType)?.live?.votesForAccount?.(item) === false) continue;
    votes.set(acct, (votes.get(acct) ?? 0) + 1);
  }
  return [...votes].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
}

/** The registered types' live readers of one stage, in registry order. */
function readersOf(stage: LiveStage) {
  return RESOURCES.flatMap((mod) => (mod.live?.stage === stage ? [mod.live] : []));
}

/** Every IAM action the live scan may call: its Config query and each resource type's reader. */
export function liveReadActions(): string[] {
  return [...new Set([...CONFIG_ACTIONS, ...RESOURCES.flatMap((mod) => mod.live?.actions ?? [])])].sort();
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
  let account: string | null = null;
  const reached = [...regions];
  const referenced = new Map<string, Set<string>>();
  const ctx: LiveContext = {
    m,
    calls,
    regions,
    clients(region) {
      let c = byRegion.get(region);
      if (!c) {
        c = clientsFor(m, region, settings);
        byRegion.set(region, c);
      }
      return c;
    },
    push: (item) => out.items.push(item),
    gap: (g) => out.gaps.push(g),
    account: () => account,
    reach(region) {
      if (!reached.includes(region)) reached.push(region);
    },
    refer(type, id) {
      const set = referenced.get(type) ?? new Set<string>();
      set.add(id);
      referenced.set(type, set);
    },
    referenced: (type) => [...(referenced.get(type) ?? [])],
  };
  try {
    if (settings.aggregator) await configItems(m, byRegion.get(regions[0])!, calls, out, settings.aggregator);
    else for (const r of regions) await configItems(m, byRegion.get(r)!, calls, out);
    for (const r of regions) {
      for (const reader of readersOf('each-region')) await reader.read(ctx, r);
      account = majorityAccount(out.items);
    }
    const pending: LiveFinish[] = [];
    for (const reader of readersOf('account')) {
      const got = await reader.read(ctx, regions[0]);
      if (got) pending.push(got);
    }
    for (const r of reached) {
      for (const reader of readersOf('each-reached-region')) await reader.read(ctx, r);
      account = majorityAccount(out.items);
    }
    // nothing else named the account: what the account readers found (organization trails excepted) does
    account = majorityAccount(out.items) ?? majorityAccount(pending.flatMap((p) => p.accountVotes.map((item) => ({ item }))));
    for (const p of pending) p.finish(account);
    for (const reader of readersOf('referenced')) await reader.read(ctx, regions[0]);

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
