import { liveReadActions } from './live-aws';

/**
 * The read-only IAM policy docs/iam-policy.json documents (and the README quotes): what the live
 * posture scan calls, generated from the resource registry, plus the two event sources that read
 * AWS: CloudTrail Event History and the S3 log archive. The scheduled posture function is granted
 * the live scan's part (stacks/function-policies.ts).
 */

/** `--events cloudtrail:lookup`: CloudTrail Event History (src/sources/live-events.ts). */
const EVENT_HISTORY_ACTIONS = ['cloudtrail:LookupEvents'];

/** `--events s3://...` and `validate-logs`: the log archive (src/sources/s3-object-store.ts). */
const ARCHIVE_ACTIONS = ['s3:GetObject', 's3:ListBucket'];

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string;
}

export function readOnlyPolicy(): { Version: string; Statement: PolicyStatement[] } {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'TrailproofPostureReadOnly', Effect: 'Allow', Action: [...liveReadActions(), ...EVENT_HISTORY_ACTIONS].sort(), Resource: '*' },
      { Sid: 'TrailproofArchiveRead', Effect: 'Allow', Action: [...ARCHIVE_ACTIONS].sort(), Resource: '*' },
    ],
  };
}
