import { requiredEventNames } from '../src/engine/requirements';
import type { ConditionNode, LeafCondition } from '../src/model/condition';
import type { Rule } from '../src/model/rule';
import { ruleCondition } from '../src/semantics/condition-json';

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

/** Leaves every match must satisfy: those of a top-level `all`, or the single leaf of an `any`. */
function requiredLeaves(cond: ConditionNode): LeafCondition[] {
  if (cond.kind !== 'all' && cond.kind !== 'any') return [];
  if (cond.kind === 'any' && cond.children.length !== 1) return [];
  return cond.children.filter((c): c is LeafCondition => c.kind !== 'all' && c.kind !== 'any' && c.kind !== 'not');
}

/** Whether every event the rule can match is a data event (so only a trail delivering data events to the log group feeds its alarm). */
export function matchesDataEventsOnly(rule: Rule): boolean {
  const cond = ruleCondition(rule);
  // The engine's own reading of which event names a match must have (through all/any at any depth).
  const names = requiredEventNames(cond);
  if (names && names.size > 0 && [...names].every((n) => DATA_EVENT_NAMES.has(n))) return true;
  return requiredLeaves(cond).some((l) => {
    if (l.kind !== 'equals' && l.kind !== 'in') return false;
    const values = (l.kind === 'in' ? l.values : [l.value]).map(String);
    return l.path === '$.eventCategory' && values.length > 0 && values.every((v) => v === 'Data');
  });
}
