import type { S3Client } from '@aws-sdk/client-s3';
import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { SqsBatchResponse, SqsEvent, SqsRecord } from '../model/lambda-events';
import type { Rule, RulePack } from '../model/rule';
import type { Severity } from '../model/severity';
import { EventJudge } from '../scan/scan-events';
import { emfLines, METRIC_NAMESPACES, type MetricPoint } from './emf';
import { isTrailLogKey, readMessage } from './notifications';
import type { Publisher, PublishOutcome } from './publish';
import { scanObject } from './scan-object';

/** Everything one detection function needs, built once per container (cold start). */
export interface DetectionSettings {
  pack: RulePack;
  s3: S3Client;
  publishers: Publisher[];
  /** The stack's metric namespace: the rule alarms' namespace when a rule names none. */
  metricNamespace: string;
  /**
   * When set, every rule's metric goes to this namespace instead of its alarm's. Set where the
   * trail also delivers to CloudWatch Logs (the stacks always do: the CIS chain is judged there),
   * whose metric filters already feed the alarms: a second writer to the same metric would count
   * each event twice and trip any alarm whose threshold is above one early.
   */
  ruleMetricsNamespace?: string;
  /** Where the function's own counters go (files, events, failures). */
  operationsNamespace?: string;
  maxRecordBytes?: number;
  /** Only findings of these severities are published (all by default); metrics count every match. */
  publishSeverities?: ReadonlySet<Severity>;
  /** One line per call; stdout in Lambda, where EMF lines become metrics. */
  log?: (line: string) => void;
  now?: () => Date;
}

/** What happened to one SQS message; the handler's log line and the test's view of it. */
export interface MessageResult {
  messageId: string;
  ok: boolean;
  reason?: string;
  inputs: InputRecord[];
  findings: number;
  /** Matching events per rule id: what the rule's metric filter would have counted. */
  ruleCounts: Record<string, number>;
  outcomes: PublishOutcome[];
}

function metricValue(rule: Rule): number {
  const v = Number(rule.cloudwatch?.metricValue ?? '1');
  return Number.isFinite(v) ? v : 1;
}

/**
 * The per-delivery detection handler for an SQS event source mapping with ReportBatchItemFailures:
 * each message names one or more delivered log files; each file is scanned by the CLI's scanner
 * and its findings go to every publisher. A message fails (and only it returns to the queue) when
 * it cannot be read, a file cannot be fetched or is damaged, or any finding failed to publish;
 * SQS redelivers it, and after maxReceiveCount it rests in the dead-letter queue. A redelivery
 * publishes nothing twice: finding ids are stable, Security Hub updates by Id, and EventBridge and
 * SNS consult the ledger.
 */
export function detectionHandler(s: DetectionSettings): (event: SqsEvent) => Promise<SqsBatchResponse & { results: MessageResult[] }> {
  const judge = new EventJudge(s.pack.rules);
  const byId = new Map(s.pack.rules.map((r) => [r.id, r]));
  const log = s.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = s.now ?? (() => new Date());
  const opsNs = s.operationsNamespace ?? METRIC_NAMESPACES.operations;

  async function one(record: SqsRecord): Promise<MessageResult> {
    const result: MessageResult = { messageId: record.messageId, ok: true, inputs: [], findings: 0, ruleCounts: {}, outcomes: [] };
    const content = readMessage(record.body);
    if (content.kind === 'poison') return { ...result, ok: false, reason: `poison message: ${content.reason}` };
    if (content.kind === 'test-event') return result;
    const findings = new Map<string, Finding>();
    const problems: string[] = [];
    for (const ref of content.objects) {
      if (!isTrailLogKey(ref.key)) {
        result.inputs.push({ path: `s3://${ref.bucket}/${ref.key}`, kind: 'unknown', status: 'skipped', records: 0, sha256: null, reason: 'not a CloudTrail log file key (AWSLogs/.../CloudTrail/<region>/<yyyy>/<mm>/<dd>/...)' });
        continue;
      }
      const scan = await scanObject(s.s3, ref, judge, s.maxRecordBytes);
      result.inputs.push(scan.input);
      if (scan.input.status === 'error') problems.push(`${scan.uri}: ${scan.input.reason ?? 'error'}`);
      for (const f of scan.findings) if (!findings.has(f.id)) findings.set(f.id, f);
    }
    const list = [...findings.values()];
    result.findings = list.length;
    for (const f of list) result.ruleCounts[f.ruleId] = (result.ruleCounts[f.ruleId] ?? 0) + 1;
    // Findings read before a file's damage are published even though the message fails: nothing
    // read is held back, and the redelivery finds them already published.
    const wanted = s.publishSeverities ? list.filter((f) => s.publishSeverities!.has(f.severity)) : list;
    if (wanted.length > 0) {
      for (const p of s.publishers) {
        const o = await p.publish(wanted);
        result.outcomes.push(o);
        if (o.failed.length > 0) problems.push(`${o.channel}: ${o.failed.length} of ${wanted.length} findings not published (first: ${o.failed[0].reason})`);
      }
    }
    if (problems.length > 0) return { ...result, ok: false, reason: problems.join('; ') };
    return result;
  }

  return async (event: SqsEvent) => {
    const results: MessageResult[] = [];
    for (const record of event.Records ?? []) {
      let r: MessageResult;
      try {
        r = await one(record);
      } catch (e) {
        r = { messageId: record.messageId, ok: false, reason: `unexpected: ${(e as Error).stack ?? String(e)}`, inputs: [], findings: 0, ruleCounts: {}, outcomes: [] };
      }
      results.push(r);
      log(
        JSON.stringify({
          level: r.ok ? 'info' : 'error',
          messageId: r.messageId,
          receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
          ok: r.ok,
          ...(r.reason ? { reason: r.reason } : {}),
          inputs: r.inputs.map((i) => ({ path: i.path, status: i.status, records: i.records, ...(i.reason ? { reason: i.reason } : {}) })),
          findings: r.findings,
          published: Object.fromEntries(r.outcomes.map((o) => [o.channel, { published: o.published, alreadyPublished: o.alreadyPublished, failed: o.failed.length }])),
        }),
      );
    }
    for (const line of emfLines(metricsOf(results, byId, s.metricNamespace, opsNs, s.ruleMetricsNamespace), now(), { function: 'detect' })) log(line);
    return { batchItemFailures: results.filter((r) => !r.ok).map((r) => ({ itemIdentifier: r.messageId })), results };
  };
}

/**
 * The rule metrics (the namespace and name of each rule's metric filter, so its alarm reads them)
 * and the function's own counters. Zero for a rule with no match is left out, as a metric filter
 * publishes nothing for no match (the alarms treat missing data as not breaching).
 */
function metricsOf(results: readonly MessageResult[], byId: ReadonlyMap<string, Rule>, namespace: string, opsNs: string, ruleNs?: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  let files = 0;
  let events = 0;
  let damaged = 0;
  let findings = 0;
  for (const r of results) {
    for (const i of r.inputs) {
      if (i.status !== 'skipped') files++;
      if (i.status === 'error') damaged++;
      events += i.records;
    }
    findings += r.findings;
    for (const [ruleId, n] of Object.entries(r.ruleCounts)) {
      const rule = byId.get(ruleId);
      if (!rule?.cloudwatch) continue;
      points.push({ namespace: ruleNs ?? rule.cloudwatch.metricNamespace ?? namespace, name: rule.cloudwatch.metricName, value: n * metricValue(rule) });
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  points.push(
    { namespace: opsNs, name: 'Messages', value: results.length },
    { namespace: opsNs, name: 'FailedMessages', value: failed },
    { namespace: opsNs, name: 'Files', value: files },
    { namespace: opsNs, name: 'DamagedFiles', value: damaged },
    { namespace: opsNs, name: 'Events', value: events },
    { namespace: opsNs, name: 'Findings', value: findings },
  );
  return points;
}
