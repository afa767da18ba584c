import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Finding } from '../model/finding';
import { type AsffContext, clip, toAsff } from '../findings/asff';
import { describeAwsError } from '../sources/s3-object-store';

/** What one publisher did with a list of findings: each one either went out or failed with a reason. */
export interface PublishOutcome {
  channel: string;
  published: number;
  /** Already published by an earlier delivery of the same file (found in the ledger). */
  alreadyPublished: number;
  failed: { id: string; reason: string }[];
}

export interface Publisher {
  readonly channel: string;
  publish(findings: readonly Finding[]): Promise<PublishOutcome>;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Security Hub through BatchImportFindings (at most 100 findings a call). No ledger: Security Hub
 * itself is the record of what was published, since importing a finding whose Id it already
 * holds updates that finding rather than adding one. Throttling (429) is retried by the SDK's
 * standard retry; a finding Security Hub refuses (FailedFindings) fails with its error code.
 */
export class SecurityHubPublisher implements Publisher {
  readonly channel = 'securityhub';

  constructor(
    private readonly client: SecurityHubClient,
    private readonly ctx: () => AsffContext,
  ) {}

  async publish(findings: readonly Finding[]): Promise<PublishOutcome> {
    const out: PublishOutcome = { channel: this.channel, published: 0, alreadyPublished: 0, failed: [] };
    const ctx = this.ctx();
    for (const part of chunks(findings, 100)) {
      try {
        const res = await this.client.send(new BatchImportFindingsCommand({ Findings: part.map((f) => toAsff(f, ctx)) as never }));
        const failed = new Map((res.FailedFindings ?? []).map((x) => [x.Id ?? '', `${x.ErrorCode ?? 'Failed'}: ${x.ErrorMessage ?? ''}`]));
        for (const f of part) {
          const why = failed.get(f.id);
          if (why) out.failed.push({ id: f.id, reason: why });
          else out.published++;
        }
      } catch (e) {
        for (const f of part) out.failed.push({ id: f.id, reason: describeAwsError(e) });
      }
    }
    return out;
  }
}

/**
 * Where EventBridge and SNS publications are remembered: neither service deduplicates a standard
 * bus or topic, so a redelivered file would notify twice. One empty S3 object per finding and
 * channel, written after the publication succeeded: a crash between the two can still notify
 * twice (at least once, never lost); consumers can tell by the finding id in every message.
 */
export class PublishedLedger {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  private key(channel: string, id: string): string {
    return `${this.prefix}${channel}/${id}`;
  }

  async has(channel: string, id: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(channel, id) }));
      return true;
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return false;
      throw e;
    }
  }

  async mark(channel: string, id: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(channel, id), Body: new Uint8Array(0), ContentLength: 0 }));
  }
}

/** Split findings into those the ledger has seen on this channel and the rest. */
async function unpublished(ledger: PublishedLedger | undefined, channel: string, findings: readonly Finding[], out: PublishOutcome): Promise<Finding[]> {
  if (!ledger) return [...findings];
  const fresh: Finding[] = [];
  for (const f of findings) {
    try {
      if (await ledger.has(channel, f.id)) out.alreadyPublished++;
      else fresh.push(f);
    } catch (e) {
      out.failed.push({ id: f.id, reason: `ledger: ${describeAwsError(e)}` });
    }
  }
  return fresh;
}

async function remember(ledger: PublishedLedger | undefined, channel: string, f: Finding, out: PublishOutcome): Promise<void> {
  if (!ledger) {
    out.published++;
    return;
  }
  try {
    await ledger.mark(channel, f.id);
    out.published++;
  } catch (e) {
    out.failed.push({ id: f.id, reason: `published, but the ledger could not record it: ${describeAwsError(e)}` });
  }
}

/** The finding as a message body: what a subscriber needs, never more than a bus entry holds. */
function findingMessage(f: Finding): Record<string, unknown> {
  const body: Record<string, unknown> = {
    findingId: f.id,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    status: f.status,
    controls: f.controls,
    message: f.message,
    subject: f.subject,
    evidence: f.evidence,
    remediation: f.remediation,
  };
  // EventBridge and SNS both cap a message at 256 KB; evidence is what can be large.
  if (Buffer.byteLength(JSON.stringify(body)) > 200_000) body.evidence = { truncated: 'evidence over 200 KB left out; see the Security Hub finding or findings.json' };
  return body;
}

/** Entry failures worth another try: the service was busy, not the entry wrong. */
const TRANSIENT = /Throttl|InternalFailure|ServiceUnavailable|InternalError/i;

/**
 * EventBridge PutEvents (at most 10 entries a call) on the configured bus. A call that fails as
 * a whole is retried by the SDK; entries failing inside a successful call (FailedEntryCount)
 * are retried here when the error is transient, up to `entryAttempts` times.
 */
export class EventBridgePublisher implements Publisher {
  readonly channel = 'eventbridge';

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly ledger?: PublishedLedger,
    private readonly entryAttempts = 3,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async publish(findings: readonly Finding[]): Promise<PublishOutcome> {
    const out: PublishOutcome = { channel: this.channel, published: 0, alreadyPublished: 0, failed: [] };
    const fresh = await unpublished(this.ledger, this.channel, findings, out);
    for (const part of chunks(fresh, 10)) {
      let pending = part;
      for (let attempt = 1; pending.length > 0; attempt++) {
        let res;
        try {
          res = await this.client.send(
            new PutEventsCommand({
              Entries: pending.map((f) => ({ Source: 'trailproof', DetailType: 'trailproof finding', Detail: JSON.stringify(findingMessage(f)), EventBusName: this.busName })),
            }),
          );
        } catch (e) {
          for (const f of pending) out.failed.push({ id: f.id, reason: describeAwsError(e) });
          break;
        }
        const retry: Finding[] = [];
        const entries = res.Entries ?? [];
        for (const [i, f] of pending.entries()) {
          const entry = entries[i];
          if (entry && !entry.ErrorCode) await remember(this.ledger, this.channel, f, out);
          else if (entry?.ErrorCode && TRANSIENT.test(entry.ErrorCode) && attempt < this.entryAttempts) retry.push(f);
          else out.failed.push({ id: f.id, reason: `${entry?.ErrorCode ?? 'NoEntry'}: ${entry?.ErrorMessage ?? 'no result for this entry'}` });
        }
        pending = retry;
        if (pending.length > 0) await this.sleep(100 * 2 ** attempt);
      }
    }
    return out;
  }
}

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
function snsSubject(f: Finding): string {
  const ascii = `[${f.severity}] ${f.title}`.replace(/[^\x20-\x7e]/g, '?');
  return clip(ascii, 99);
}

/** The audit topic through PublishBatch (at most 10 messages a call); failures as for EventBridge. */
export class SnsPublisher implements Publisher {
  readonly channel = 'sns';

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    private readonly ledger?: PublishedLedger,
  ) {}

  async publish(findings: readonly Finding[]): Promise<PublishOutcome> {
    const out: PublishOutcome = { channel: this.channel, published: 0, alreadyPublished: 0, failed: [] };
    const fresh = await unpublished(this.ledger, this.channel, findings, out);
    for (const part of chunks(fresh, 10)) {
      let res;
      try {
        res = await this.client.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: part.map((f) => ({ Id: f.id, Subject: snsSubject(f), Message: JSON.stringify(findingMessage(f)) })),
          }),
        );
      } catch (e) {
        for (const f of part) out.failed.push({ id: f.id, reason: describeAwsError(e) });
        continue;
      }
      const failed = new Map((res.Failed ?? []).map((x) => [x.Id ?? '', `${x.Code ?? 'Failed'}: ${x.Message ?? ''}`]));
      for (const f of part) {
        const why = failed.get(f.id);
        if (why) out.failed.push({ id: f.id, reason: why });
        else await remember(this.ledger, this.channel, f, out);
      }
    }
    return out;
  }
}
