import { requiredEventNames } from '../src/engine/requirements';
import type { Rule } from '../src/model/rule';

/**
 * Event names CloudTrail records only as data events: S3 object-level API calls and Lambda
 * invocations (the data events these stacks can log). A rule that can match nothing else sees
 * nothing when data events go to a separate trail that does not deliver to CloudWatch Logs.
 */
const DATA_EVENT_NAMES = new Set([
  'GetObject', 'PutObject', 'DeleteObject', 'DeleteObjects', 'CopyObject', 'HeadObject', 'RestoreObject',
  'GetObjectAcl', 'PutObjectAcl', 'GetObjectAttributes', 'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging',
  'GetObjectRetention', 'PutObjectRetention', 'GetObjectLegalHold', 'PutObjectLegalHold', 'SelectObjectContent',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts',
  'Invoke',
]);

interface Leaf {
  path?: string;
  operator?: string;
  value?: unknown;
}

/** Leaves every match must satisfy: those of a top-level `all`, or the single leaf of an `any`. */
function requiredLeaves(conditions: unknown): Leaf[] {
  const c = conditions as { all?: unknown[]; any?: unknown[] };
  const leaves = (list: unknown[] | undefined) => (list ?? []).filter((x): x is Leaf => typeof (x as Leaf).path === 'string');
  if (Array.isArray(c.all)) return leaves(c.all);
  if (Array.isArray(c.any) && c.any.length === 1) return leaves(c.any);
  return [];
}

/** Whether every event the rule can match is a data event (so only a trail delivering data events to the log group feeds its alarm). */
export function matchesDataEventsOnly(rule: Rule): boolean {
  // The engine's own reading of which event names a match must have (through all/any at any depth).
  const names = requiredEventNames(rule.conditions);
  if (names && names.size > 0 && [...names].every((n) => DATA_EVENT_NAMES.has(n))) return true;
  return requiredLeaves(rule.conditions).some((l) => {
    if (l.operator !== 'cwEquals' && l.operator !== 'cwIn') return false;
    const values = (Array.isArray(l.value) ? l.value : [l.value]).map(String);
    return l.path === '$.eventCategory' && values.length > 0 && values.every((v) => v === 'Data');
  });
}
