import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLoopback } from '../../support/loopback-server';

/**
 * A loopback AWS that speaks each service's wire protocol, so tests drive the real SDK v3 clients
 * over real HTTP: AWS JSON 1.1 (Config, CloudTrail, CloudWatch Logs: X-Amz-Target +
 * application/x-amz-json-1.1), AWS JSON 1.0 (CloudWatch, which SDK 3.11xx speaks instead of
 * query), query/XML (SNS) and REST-JSON (Security Hub). Lists are paged by `pageSize` with
 * NextToken; `faults` inject throttling, access denied, not-found and malformed replies.
 */

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RegionWorld {
  configItems?: Json[];
  trails?: Json[];
  trailStatus?: Record<string, Json>;
  eventSelectors?: Record<string, Json>;
  metricFilters?: Json[];
  logGroups?: Json[];
  alarms?: Json[];
  recorders?: Json[];
  recorderStatus?: Json[];
  hub?: boolean;
  /** LookupEvents results (Events members) */
  lookupEvents?: Json[];
  /** SelectAggregateResourceConfig results, by aggregator name */
  aggregators?: Record<string, Json[]>;
}

export interface World {
  account: string;
  regions: Record<string, RegionWorld>;
  /** topic ARN -> subscriptions (ListSubscriptionsByTopic members) */
  subscriptions: Record<string, Json[]>;
  pageSize: number;
}

export type FaultKind = 'throttle' | 'deny' | 'malformed' | 'not-found';

export interface Fault {
  /** Operation name, e.g. `DescribeTrails`; `*` for every operation. */
  op: string;
  kind: FaultKind;
  /** How many times to inject (default: always). */
  times?: number;
  region?: string;
}

export interface Call {
  service: string;
  op: string;
  region: string;
  params: Json;
}

const SERVICES: Record<string, string> = {
  StarlingDoveService: 'config',
  CloudTrail_20131101: 'cloudtrail',
  Logs_20140328: 'logs',
  GraniteServiceVersion20100801: 'cloudwatch',
};

function page<T>(list: T[], token: string | undefined, size: number): { items: T[]; next?: string } {
  const start = token ? Number(token.replace(/^page-/, '')) : 0;
  const items = list.slice(start, start + size);
  return start + size < list.length ? { items, next: `page-${start + size}` } : { items };
}

function regionOf(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? '');
  const m = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(auth);
  return m ? m[1] : 'us-east-1';
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class FakeAws {
  readonly calls: Call[] = [];
  faults: Fault[] = [];
  private server?: Server;
  endpoint = '';

  constructor(public world: World) {}

  async start(): Promise<string> {
    ({ server: this.server, endpoint: this.endpoint } = await listenLoopback((req, body, res) => this.handle(req, body, res)));
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  opsCalled(op: string): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  private fault(op: string, region: string): FaultKind | undefined {
    const f = this.faults.find((x) => (x.op === op || x.op === '*') && (!x.region || x.region === region) && (x.times === undefined || x.times > 0));
    if (!f) return undefined;
    if (f.times !== undefined) f.times--;
    return f.kind;
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const region = regionOf(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix, op] = target.split('.');
      const service = SERVICES[prefix] ?? prefix;
      const params = body ? (JSON.parse(body) as Json) : {};
      this.calls.push({ service, op, region, params });
      const json10 = service === 'cloudwatch';
      const ctype = json10 ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
      const fault = this.fault(op, region);
      if (fault) return this.jsonFault(res, fault, ctype, op, json10);
      const out = this.jsonOp(service, op, region, params);
      res.writeHead(200, { 'content-type': ctype, 'x-amzn-requestid': 'req-1' });
      res.end(JSON.stringify(out));
      return;
    }
    if (req.method === 'GET' && req.url?.startsWith('/accounts')) {
      this.calls.push({ service: 'securityhub', op: 'DescribeHub', region, params: {} });
      const fault = this.fault('DescribeHub', region);
      if (fault) return this.jsonFault(res, fault, 'application/json', 'DescribeHub', false, true);
      if (!this.world.regions[region]?.hub) {
        res.writeHead(401, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidAccessException' });
        res.end(JSON.stringify({ Code: 'InvalidAccessException', Message: `Account ${this.world.account} is not subscribed to AWS Security Hub` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ HubArn: `arn:aws:securityhub:${region}:${this.world.account}:hub/default`, SubscribedAt: '2026-01-01T00:00:00.000Z', AutoEnableControls: true }));
      return;
    }
    const form = new URLSearchParams(body);
    const action = form.get('Action');
    if (action) {
      const params = Object.fromEntries(form.entries());
      this.calls.push({ service: 'sns', op: action, region, params });
      const fault = this.fault(action, region);
      if (fault) return this.xmlFault(res, fault, action);
      if (action === 'ListSubscriptionsByTopic') return this.snsSubscriptions(res, params);
      return this.xmlFault(res, 'not-found', action);
    }
    res.writeHead(404);
    res.end();
  }

  private jsonFault(res: ServerResponse, kind: FaultKind, ctype: string, op: string, queryCompatible: boolean, rest = false): void {
    if (kind === 'malformed') {
      res.writeHead(200, { 'content-type': ctype });
      res.end('{"this is": not json');
      return;
    }
    const [status, type, message] =
      kind === 'throttle'
        ? [400, 'ThrottlingException', 'Rate exceeded']
        : kind === 'deny'
          ? [400, 'AccessDeniedException', `User: arn:aws:iam::${this.world.account}:user/auditor is not authorized to perform: ${op}`]
          : [400, 'ResourceNotFoundException', 'not found'];
    const headers: Record<string, string> = { 'content-type': ctype, 'x-amzn-errortype': type };
    if (queryCompatible) headers['x-amzn-query-error'] = `${type};Sender`;
    res.writeHead(rest && kind === 'deny' ? 403 : status, headers);
    res.end(JSON.stringify(rest ? { Code: type, Message: message } : { __type: type, message }));
  }

  private xmlFault(res: ServerResponse, kind: FaultKind, action: string): void {
    if (kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<ListSubscriptionsByTopicResponse><unclosed>');
      return;
    }
    const [status, code, message] =
      kind === 'throttle' ? [400, 'Throttling', 'Rate exceeded'] : kind === 'deny' ? [403, 'AuthorizationError', `not authorized to perform: SNS:${action}`] : [404, 'NotFound', 'Topic does not exist'];
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`);
  }

  private snsSubscriptions(res: ServerResponse, params: Record<string, string>): void {
    const all = this.world.subscriptions[params.TopicArn];
    if (!all) return this.xmlFault(res, 'not-found', 'ListSubscriptionsByTopic');
    const p = page(all, params.NextToken, this.world.pageSize);
    const members = p.items
      .map((s) => `<member>${Object.entries(s).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`).join('')}</member>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions>${p.next ? `<NextToken>${p.next}</NextToken>` : ''}</ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`,
    );
  }

  private jsonOp(service: string, op: string, region: string, p: Json): Json {
    const w = this.world.regions[region] ?? {};
    const size = this.world.pageSize;
    switch (`${service}:${op}`) {
      case 'config:SelectResourceConfig': {
        const r = page(w.configItems ?? [], p.NextToken, Math.min(size, p.Limit ?? size));
        return { Results: r.items.map((i) => JSON.stringify(i)), QueryInfo: { SelectFields: [{ Name: 'resourceId' }] }, ...(r.next ? { NextToken: r.next } : {}) };
      }
      case 'config:SelectAggregateResourceConfig': {
        const r = page(w.aggregators?.[p.ConfigurationAggregatorName] ?? [], p.NextToken, size);
        return { Results: r.items.map((i) => JSON.stringify(i)), ...(r.next ? { NextToken: r.next } : {}) };
      }
      case 'config:ListDiscoveredResources': {
        const of = (w.configItems ?? []).filter((i) => i.resourceType === p.resourceType);
        const r = page(of, p.nextToken, size);
        return { resourceIdentifiers: r.items.map((i) => ({ resourceType: i.resourceType, resourceId: i.resourceId, resourceName: i.resourceName })), ...(r.next ? { nextToken: r.next } : {}) };
      }
      case 'config:BatchGetResourceConfig': {
        const keys = (p.resourceKeys ?? []) as Json[];
        const found = (w.configItems ?? []).filter((i) => keys.some((k) => k.resourceType === i.resourceType && k.resourceId === i.resourceId));
        // BatchGet returns the API item shape: configuration and supplementary values as JSON text
        return {
          baseConfigurationItems: found.map((i) => ({
            version: '1.3',
            accountId: i.accountId,
            configurationItemCaptureTime: 1767225600,
            configurationItemStatus: 'OK',
            arn: i.arn,
            resourceType: i.resourceType,
            resourceId: i.resourceId,
            resourceName: i.resourceName,
            awsRegion: i.awsRegion,
            configuration: JSON.stringify(i.configuration ?? {}),
            supplementaryConfiguration: Object.fromEntries(Object.entries(i.supplementaryConfiguration ?? {}).map(([k, v]) => [k, JSON.stringify(v)])),
          })),
          unprocessedResourceKeys: [],
        };
      }
      case 'config:DescribeConfigurationRecorders':
        return { ConfigurationRecorders: w.recorders ?? [] };
      case 'config:DescribeConfigurationRecorderStatus':
        return { ConfigurationRecordersStatus: w.recorderStatus ?? [] };
      case 'cloudtrail:DescribeTrails':
        return { trailList: w.trails ?? [] };
      case 'cloudtrail:GetTrailStatus':
        return w.trailStatus?.[p.Name] ?? { IsLogging: false };
      case 'cloudtrail:GetEventSelectors':
        return { TrailARN: p.TrailName, ...(w.eventSelectors?.[p.TrailName] ?? {}) };
      case 'cloudtrail:LookupEvents': {
        const r = page(w.lookupEvents ?? [], p.NextToken, Math.min(size, p.MaxResults ?? size));
        return { Events: r.items, ...(r.next ? { NextToken: r.next } : {}) };
      }
      case 'logs:DescribeMetricFilters': {
        const r = page(w.metricFilters ?? [], p.nextToken, size);
        return { metricFilters: r.items, ...(r.next ? { nextToken: r.next } : {}) };
      }
      case 'logs:DescribeLogGroups': {
        const r = page(w.logGroups ?? [], p.nextToken, size);
        return { logGroups: r.items, ...(r.next ? { nextToken: r.next } : {}) };
      }
      case 'cloudwatch:DescribeAlarms': {
        const r = page(w.alarms ?? [], p.NextToken, size);
        return { MetricAlarms: r.items, CompositeAlarms: [], ...(r.next ? { NextToken: r.next } : {}) };
      }
      default:
        return {};
    }
  }
}
