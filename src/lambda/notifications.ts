import type { ObjectRef, S3NotificationRecord } from '../model/lambda-events';

/**
 * What one SQS message asks the detection function to read. A message is one of:
 * - an S3 event notification (`{"Records":[{"eventSource":"aws:s3",...}]}`), straight from the
 *   bucket's notification configuration or wrapped in an SNS envelope on the way;
 * - S3's `s3:TestEvent`, sent once when a notification configuration is saved: nothing to read;
 * - an EventBridge "Object Created" event from `aws.s3` (the EventBridge-rule option).
 * Anything else is a poison message: it can never succeed, and the caller fails it so that SQS
 * moves it to the dead-letter queue after maxReceiveCount attempts, where it is kept, not lost.
 */
export type MessageContent = { kind: 'objects'; objects: ObjectRef[]; ignored: number } | { kind: 'test-event' } | { kind: 'poison'; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** S3 sends keys URL-encoded with spaces as `+` (notification-content-structure). */
function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function readMessage(body: string): MessageContent {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { kind: 'poison', reason: `body is not JSON (${body.length} characters)` };
  }
  if (isObject(doc) && doc.Type === 'Notification' && typeof doc.Message === 'string') return readMessage(doc.Message);
  if (isObject(doc) && doc.Event === 's3:TestEvent') return { kind: 'test-event' };
  if (isObject(doc) && Array.isArray(doc.Records)) return fromNotification(doc.Records);
  if (isObject(doc) && doc.source === 'aws.s3' && isObject(doc.detail)) return fromEventBridge(doc);
  return { kind: 'poison', reason: 'neither an S3 event notification nor an EventBridge S3 event' };
}

function fromNotification(records: unknown[]): MessageContent {
  const objects: ObjectRef[] = [];
  let ignored = 0;
  for (const [i, r] of records.entries()) {
    const rec = r as Partial<S3NotificationRecord>;
    if (!isObject(rec) || !isObject(rec.s3) || !isObject(rec.s3.bucket) || !isObject(rec.s3.object) || typeof rec.s3.bucket.name !== 'string' || typeof rec.s3.object.key !== 'string') {
      return { kind: 'poison', reason: `Records[${i}] has no s3.bucket.name and s3.object.key` };
    }
    // Only creations carry a new log file; a delete or restore notification has nothing to scan.
    if (typeof rec.eventName !== 'string' || !rec.eventName.startsWith('ObjectCreated:')) {
      ignored++;
      continue;
    }
    let key: string;
    try {
      key = decodeS3Key(rec.s3.object.key);
    } catch {
      return { kind: 'poison', reason: `Records[${i}].s3.object.key is not URL-encoded text` };
    }
    const o = rec.s3.object;
    objects.push({ bucket: rec.s3.bucket.name, key, size: o.size, eTag: o.eTag, versionId: o.versionId });
  }
  return { kind: 'objects', objects, ignored };
}

function fromEventBridge(doc: Record<string, unknown>): MessageContent {
  const detail = doc.detail as Record<string, unknown>;
  const bucket = isObject(detail.bucket) ? detail.bucket.name : undefined;
  const object = isObject(detail.object) ? detail.object : undefined;
  if (typeof bucket !== 'string' || !object || typeof object.key !== 'string') return { kind: 'poison', reason: 'EventBridge S3 event without detail.bucket.name and detail.object.key' };
  if (doc['detail-type'] !== 'Object Created') return { kind: 'objects', objects: [], ignored: 1 };
  return {
    kind: 'objects',
    objects: [
      {
        bucket,
        key: object.key,
        size: typeof object.size === 'number' ? object.size : undefined,
        eTag: typeof object.etag === 'string' ? object.etag : undefined,
        versionId: typeof object['version-id'] === 'string' ? object['version-id'] : undefined,
      },
    ],
    ignored: 0,
  };
}

/** CloudTrail log files (and Insights files) only: digests and everything else in the bucket (Config snapshots, access logs) are not event files. */
export function isTrailLogKey(key: string): boolean {
  return /\/CloudTrail(?:-Insight)?\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/[^/]+\.json(\.gz)?$/.test(key);
}
