/**
 * The payloads AWS hands the detection functions, typed from AWS's documentation (only the fields
 * trailproof reads are required; everything else stays open because AWS adds fields over time).
 * - SQS event source mapping: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * - S3 event notification: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * - S3 events through EventBridge: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 */

export interface SqsRecord {
  messageId: string;
  receiptHandle?: string;
  body: string;
  attributes?: Record<string, string | undefined> & { ApproximateReceiveCount?: string };
  eventSource?: string;
  eventSourceARN?: string;
  awsRegion?: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** With ReportBatchItemFailures on the mapping: only these messages go back to the queue. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** One entry of an S3 event notification's `Records` (event version 2.x). */
export interface S3NotificationRecord {
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventTime?: string;
  eventName: string;
  s3: {
    bucket: { name: string; arn?: string };
    /** `key` is URL-encoded (spaces as `+`), as S3 sends it. */
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
}

/** An object of the trail bucket a message names: what one detection run reads. */
export interface ObjectRef {
  bucket: string;
  /** Decoded key. */
  key: string;
  size?: number;
  eTag?: string;
  versionId?: string;
}

/** The scheduled posture scan's input (EventBridge Scheduler passes the schedule's `Input` as is). */
export interface PostureScanEvent {
  /** Regions to read; default the function's configured regions. */
  regions?: string[];
  /** A Config aggregator to read instead of per-region recorders. */
  aggregator?: string;
  /** Overrides the report prefix's run folder (default: the time of the run). */
  runId?: string;
}

/** One Distributed Map batch (ItemBatcher): the S3 objects of the archive to scan. */
export interface BackfillBatchEvent {
  /** As Step Functions' S3 ListObjectsV2 item reader gives them. */
  Items: { Key: string; Size?: number; ETag?: string; StorageClass?: string }[];
  /** From the Map's ItemBatcher: the archive bucket, the execution's name, the window (ISO dates or times). */
  BatchInput: { bucket: string; runId: string; since?: string; until?: string };
}

/** The reduce step's input: where the batch documents were written. */
export interface BackfillReduceEvent {
  runId: string;
}
