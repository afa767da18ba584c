/**
 * A CloudTrail record. The format keeps growing (C.2 of the spec), so the type stays open; rules
 * reach fields through selectors, never through this type.
 */
export type CloudTrailRecord = Record<string, unknown> & {
  eventVersion?: string;
  eventID?: string;
  eventName?: string;
  eventSource?: string;
  eventTime?: string;
  eventType?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  recipientAccountId?: string;
  userIdentity?: Record<string, unknown>;
};

/** Where a record was read: enough for a report to point a person at it. */
export interface RecordLocation {
  path: string;
  /** 0-based index of the record within the file (array element or line). */
  index: number;
  /** 1-based line, for line-oriented inputs. */
  line?: number;
}

export interface LocatedRecord {
  record: CloudTrailRecord;
  location: RecordLocation;
}
