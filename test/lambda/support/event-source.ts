import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsBatchResponse, SqsEvent } from '../../../src/model/lambda-events';

/**
 * What Lambda's SQS event source mapping does with ReportBatchItemFailures, over the real SQS
 * client (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): receive
 * up to `batchSize` messages, invoke the function with them, delete every message not named in
 * batchItemFailures, leave the named ones on the queue. One liberty, to keep tests quick: a failed
 * message is made visible again at once (ChangeMessageVisibility 0) instead of after the queue's
 * visibility timeout; SQS counts the next receive the same either way.
 */
export async function pollOnce(
  sqs: SQSClient,
  queueUrl: string,
  queueArn: string,
  fn: (event: SqsEvent, context: { invokedFunctionArn: string }) => Promise<SqsBatchResponse>,
  batchSize = 10,
): Promise<{ received: number; failed: string[] } | undefined> {
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  const messages = got.Messages ?? [];
  if (messages.length === 0) return undefined;
  const event: SqsEvent = {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount },
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
  const res = await fn(event, { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:trailproof-detect' });
  const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of messages) {
    if (failed.has(m.MessageId!)) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    else await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  }
  return { received: messages.length, failed: [...failed] };
}

/** Poll until the queue gives nothing more (at most `rounds` polls). */
export async function drain(...args: Parameters<typeof pollOnce>): Promise<{ received: number; failed: string[] }[]> {
  const rounds: { received: number; failed: string[] }[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await pollOnce(...args);
    if (!r) break;
    rounds.push(r);
  }
  return rounds;
}
