import { createHash, randomUUID } from 'node:crypto';
import { request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLoopback } from '../../support/loopback-server';

/**
 * A loopback AWS for the detection functions' publishers and queue, speaking each service's wire
 * protocol so the real SDK v3 clients talk to it over HTTP:
 * - Security Hub, REST-JSON: POST /findings/import (BatchImportFindings);
 * - EventBridge, AWS JSON 1.1: X-Amz-Target AWSEvents.PutEvents;
 * - SNS, query (form-encoded in, XML out): Action=PublishBatch;
 * - SQS, AWS JSON 1.0: X-Amz-Target AmazonSQS.SendMessage | ReceiveMessage | DeleteMessage |
 *   ChangeMessageVisibility | GetQueueAttributes, with visibility timeouts, receive counts and a
 *   redrive policy (maxReceiveCount -> dead-letter queue) as SQS documents them
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
 * Behaviour follows AWS's documentation, cited where a check is made; faults inject throttling and
 * per-entry failures.
 */

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Fault {
  op: 'BatchImportFindings' | 'PutEvents' | 'PublishBatch' | 'ReceiveMessage';
  /** throttle: the whole call refused as throttled; entry: one entry inside a successful call fails (EventBridge, SNS, Security Hub). */
  kind: 'throttle' | 'entry' | 'server-error';
  times?: number;
  /** For `entry`: the error code given to the failing entry. */
  code?: string;
}

interface QueueMessage {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  receipt?: string;
}

interface Queue {
  name: string;
  messages: QueueMessage[];
  visibilityTimeoutMs: number;
  redrive?: { deadLetter: string; maxReceiveCount: number };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The ASFF attributes Security Hub requires (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html). */
const ASFF_REQUIRED = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'];

export class LoopbackAws {
  /** Security Hub's findings by ProductArn + Id: importing an Id again updates, never adds. */
  readonly hubFindings = new Map<string, Json>();
  readonly hubImports: Json[][] = [];
  readonly events: Json[] = [];
  readonly snsMessages: { topic: string; id: string; subject?: string; message: string }[] = [];
  readonly calls: { op: string; at: number }[] = [];
  readonly queues = new Map<string, Queue>();
  faults: Fault[] = [];
  endpoint = '';
  /** Where requests for other operations go (the posture scan's reads, to test/posture's FakeAws). */
  fallback?: string;
  private server?: Server;

  constructor(readonly account = '111122223333') {}

  async start(): Promise<string> {
    ({ server: this.server, endpoint: this.endpoint } = await listenLoopback((req, body, res) => this.handle(req, body, res)));
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  queueUrl(name: string): string {
    return `${this.endpoint}/${this.account}/${name}`;
  }

  createQueue(name: string, opts: { visibilityTimeoutMs?: number; redrive?: { deadLetter: string; maxReceiveCount: number } } = {}): string {
    this.queues.set(name, { name, messages: [], visibilityTimeoutMs: opts.visibilityTimeoutMs ?? 30_000, redrive: opts.redrive });
    return this.queueUrl(name);
  }

  callsOf(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  private fault(op: Fault['op']): Fault | undefined {
    const f = this.faults.find((x) => x.op === op && (x.times === undefined || x.times > 0));
    if (f && f.times !== undefined) f.times--;
    return f;
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method === 'POST' && req.url === '/findings/import') return this.batchImportFindings(body, res);
    if (target === 'AWSEvents.PutEvents') return this.putEvents(body, res);
    if (target.startsWith('AmazonSQS.')) return this.sqs(target.slice('AmazonSQS.'.length), JSON.parse(body || '{}'), res);
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'PublishBatch') return this.publishBatch(form, res);
    if (this.fallback) return this.forward(req, body, res);
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `${req.method} ${req.url} ${target}` }));
  }

  private forward(req: IncomingMessage, body: string, res: ServerResponse): void {
    const t = new URL(this.fallback!);
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    up.end(body);
  }

  // Security Hub (REST-JSON). Limits from the BatchImportFindings API reference: at most 100 findings a call.
  private batchImportFindings(body: string, res: ServerResponse): void {
    this.calls.push({ op: 'BatchImportFindings', at: Date.now() });
    const f = this.fault('BatchImportFindings');
    if (f?.kind === 'throttle') {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
      return void res.end(JSON.stringify({ Code: 'TooManyRequestsException', Message: 'Rate exceeded' }));
    }
    const { Findings } = JSON.parse(body) as { Findings: Json[] };
    if (!Array.isArray(Findings) || Findings.length < 1 || Findings.length > 100) {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidInputException' });
      return void res.end(JSON.stringify({ Code: 'InvalidInputException', Message: 'Findings must hold 1 to 100 findings' }));
    }
    this.hubImports.push(Findings);
    const failed: Json[] = [];
    Findings.forEach((finding, i) => {
      const missing = ASFF_REQUIRED.filter((k) => finding[k] === undefined || finding[k] === '');
      let why = missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;
      // With the default product ARN the finding's account must be the caller's (BatchImportFindings reference).
      if (!why && finding.AwsAccountId !== this.account) why = `AwsAccountId ${finding.AwsAccountId} is not the calling account`;
      if (!why && finding.ProductArn !== `arn:aws:securityhub:us-east-1:${this.account}:product/${this.account}/default`) why = `unknown ProductArn ${finding.ProductArn}`;
      if (!why && (finding.Title.length > 256 || finding.Description.length > 1024)) why = 'Title over 256 or Description over 1024 characters';
      if (!why && f?.kind === 'entry' && i === 0) why = 'injected';
      if (why) failed.push({ Id: finding.Id, ErrorCode: f?.kind === 'entry' && why === 'injected' ? (f.code ?? 'InvalidInput') : 'InvalidInput', ErrorMessage: why });
      else this.hubFindings.set(`${finding.ProductArn}|${finding.Id}`, finding);
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ FailedCount: failed.length, SuccessCount: Findings.length - failed.length, FailedFindings: failed }));
  }

  // EventBridge (JSON 1.1). PutEvents takes 1 to 10 entries (PutEvents API reference).
  private putEvents(body: string, res: ServerResponse): void {
    this.calls.push({ op: 'PutEvents', at: Date.now() });
    const f = this.fault('PutEvents');
    if (f?.kind === 'throttle') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      return void res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    }
    const { Entries } = JSON.parse(body) as { Entries: Json[] };
    if (!Array.isArray(Entries) || Entries.length < 1 || Entries.length > 10) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      return void res.end(JSON.stringify({ __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' }));
    }
    let failed = 0;
    const out = Entries.map((e, i) => {
      if (f?.kind === 'entry' && i === 0) {
        failed++;
        return { ErrorCode: f.code ?? 'ThrottlingException', ErrorMessage: 'injected' };
      }
      this.events.push({ ...e, Detail: JSON.parse(e.Detail) });
      return { EventId: randomUUID() };
    });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ FailedEntryCount: failed, Entries: out }));
  }

  // SNS (query). PublishBatch: 1 to 10 entries, ids unique in the batch (PublishBatch API reference).
  private publishBatch(form: URLSearchParams, res: ServerResponse): void {
    this.calls.push({ op: 'PublishBatch', at: Date.now() });
    const f = this.fault('PublishBatch');
    if (f?.kind === 'throttle') {
      res.writeHead(400, { 'content-type': 'text/xml' });
      return void res.end(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
    }
    const topic = form.get('TopicArn') ?? '';
    const entries: { id: string; message: string; subject?: string }[] = [];
    for (let n = 1; form.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
      const p = `PublishBatchRequestEntries.member.${n}`;
      entries.push({ id: form.get(`${p}.Id`)!, message: form.get(`${p}.Message`) ?? '', subject: form.get(`${p}.Subject`) ?? undefined });
    }
    const ok: string[] = [];
    const failed: string[] = [];
    entries.forEach((e, i) => {
      if (f?.kind === 'entry' && i === 0) {
        failed.push(`<member><Id>${xml(e.id)}</Id><Code>${xml(f.code ?? 'InternalError')}</Code><Message>injected</Message><SenderFault>false</SenderFault></member>`);
        return;
      }
      this.snsMessages.push({ topic, ...e });
      ok.push(`<member><Id>${xml(e.id)}</Id><MessageId>${randomUUID()}</MessageId></member>`);
    });
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${ok.join('')}</Successful><Failed>${failed.join('')}</Failed></PublishBatchResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishBatchResponse>`,
    );
  }

  private queueOf(url: string): Queue {
    const name = String(url).split('/').pop() ?? '';
    const q = this.queues.get(name);
    if (!q) throw new Error(`no queue ${name}`);
    return q;
  }

  // SQS (JSON 1.0).
  private sqs(op: string, p: Json, res: ServerResponse): void {
    this.calls.push({ op: `sqs:${op}`, at: Date.now() });
    const reply = (v: Json) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(v));
    };
    const q = this.queueOf(p.QueueUrl);
    const now = Date.now();
    switch (op) {
      case 'SendMessage': {
        const m: QueueMessage = { id: randomUUID(), body: p.MessageBody, receiveCount: 0, visibleAt: now };
        q.messages.push(m);
        return reply({ MessageId: m.id, MD5OfMessageBody: md5(p.MessageBody) });
      }
      case 'ReceiveMessage': {
        const f = this.fault('ReceiveMessage');
        if (f?.kind === 'throttle') {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          return void res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Rate exceeded' }));
        }
        const max = p.MaxNumberOfMessages ?? 1;
        const out: Json[] = [];
        for (const m of [...q.messages]) {
          if (out.length >= max) break;
          if (m.visibleAt > now) continue;
          // The redrive policy: a message received maxReceiveCount times and still there moves
          // to the dead-letter queue instead of being received again.
          if (q.redrive && m.receiveCount >= q.redrive.maxReceiveCount) {
            q.messages.splice(q.messages.indexOf(m), 1);
            this.queueOf(q.redrive.deadLetter).messages.push({ ...m, visibleAt: now, receipt: undefined });
            continue;
          }
          m.receiveCount++;
          m.receipt = randomUUID();
          m.visibleAt = now + (p.VisibilityTimeout !== undefined ? p.VisibilityTimeout * 1000 : q.visibilityTimeoutMs);
          out.push({ MessageId: m.id, ReceiptHandle: m.receipt, Body: m.body, MD5OfBody: md5(m.body), Attributes: { ApproximateReceiveCount: String(m.receiveCount) } });
        }
        return reply(out.length > 0 ? { Messages: out } : {});
      }
      case 'DeleteMessage': {
        const i = q.messages.findIndex((m) => m.receipt === p.ReceiptHandle);
        if (i >= 0) q.messages.splice(i, 1);
        return reply({});
      }
      case 'ChangeMessageVisibility': {
        const m = q.messages.find((x) => x.receipt === p.ReceiptHandle);
        if (m) m.visibleAt = now + p.VisibilityTimeout * 1000;
        return reply({});
      }
      case 'GetQueueAttributes':
        return reply({ Attributes: { ApproximateNumberOfMessages: String(q.messages.length) } });
      default:
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#UnsupportedOperation', message: op }));
    }
  }
}
