/** How trailproof recognised an input file; reports show it beside the file. */
export type InputKind =
  | 'cloudtrail-log' // {"Records":[...]} as CloudTrail delivers to S3
  | 'json-array' // a bare array of records or envelopes
  | 'json-lines' // one record or envelope per line
  | 'cloudtrail-record' // a single record object
  | 'eventbridge' // EventBridge "AWS API Call via CloudTrail" envelopes
  | 'cloudwatch-logs-export' // FilterLogEvents/GetLogEvents output, or an export task's "<time> <json>" lines
  | 'cloudtrail-digest'
  | 'config-snapshot'
  | 'config-items'
  | 'terraform-json'
  | 'terraform-plan'
  | 'live'
  | 'unknown';

export type InputStatus = 'processed' | 'skipped' | 'error';

/** One entry per input in findings.json: nothing read is left unaccounted for. */
export interface InputRecord {
  path: string;
  kind: InputKind;
  status: InputStatus;
  /** Records (events, configuration items, resources) taken from this input. */
  records: number;
  /** Records inside the input that were not usable, with the reason for each group. */
  skippedRecords?: { count: number; reason: string; first?: string }[];
  sha256: string | null;
  bytes?: number;
  reason?: string;
}
