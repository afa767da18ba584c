import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FastMatcher } from '../../src/engine/fast-matcher';
import type { CloudTrailRecord } from '../../src/model/event';
import { loadRulePack } from '../../src/rules/load';
import { cisRules, runDuckdb } from '../../scripts/bench/duckdb';
import { sharedEvents } from '../support/shared-events';

/**
 * The benchmark's DuckDB contender must judge what trailproof judges, or its speed means nothing:
 * the SQL made from the 15 CIS rules counts, rule by rule, the records trailproof's matcher
 * matches, on every real record of the datasets and on records made to sit on CloudWatch's edges
 * (`!=` on a missing field, wildcards and case).
 */
const base = { eventVersion: '1.08', eventTime: '2026-01-01T00:00:00Z', awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.7', userIdentity: { type: 'IAMUser' } };
const EDGES = [
  { ...base, eventID: 'e1', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' }, // MFAUsed missing: != is false
  { ...base, eventID: 'e2', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', additionalEventData: { MFAUsed: 'No' } },
  { ...base, eventID: 'e3', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', additionalEventData: { MFAUsed: 'yes' } }, // case counts
  { ...base, eventID: 'e4', eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', errorCode: 'accessdenied' },
  { ...base, eventID: 'e5', eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', errorCode: 'AccessDeniedException' },
  { ...base, eventID: 'e6', eventName: 'RunInstances', eventSource: 'ec2.amazonaws.com', errorCode: 'Client.UnauthorizedOperation' },
  { ...base, eventID: 'e7', eventName: 'RunInstances', eventSource: 'ec2.amazonaws.com', errorCode: 'Client.unauthorizedoperation' },
  { ...base, eventID: 'e8', eventName: 'GetObject', eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied', sourceIPAddress: 'delivery.logs.amazonaws.com' },
  { ...base, eventID: 'e9', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: { type: 'Root' } },
  { ...base, eventID: 'e10', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: { type: 'Root', invokedBy: 'cloudformation.amazonaws.com' } },
  { ...base, eventID: 'e11', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: { type: 'root' } },
  { ...base, eventID: 'e12', eventName: 'CreateRoute', eventSource: 'EC2.amazonaws.com' },
  { ...base, eventID: 'e13', eventName: 'createtrail', eventSource: 'cloudtrail.amazonaws.com' },
];

/** The records as gzipped CloudTrail files of 500, in a fresh directory. */
function trailDir(records: readonly object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tp-duckdb-'));
  mkdirSync(join(dir, 'AWSLogs'));
  for (let i = 0; i < records.length; i += 500) {
    writeFileSync(join(dir, 'AWSLogs', `part-${i}.json.gz`), gzipSync(JSON.stringify({ Records: records.slice(i, i + 500) })));
  }
  return dir;
}

const rules = cisRules(loadRulePack().rules);
const matcher = new FastMatcher(rules);
function trailproofCounts(records: readonly CloudTrailRecord[]): Record<string, number> {
  const want: Record<string, number> = Object.fromEntries(rules.map((r) => [r.id, 0]));
  for (const r of records) for (const id of matcher.matches(r)) want[id]++;
  return want;
}

test('DuckDB counts the same matches per CIS rule as trailproof on the real records', async () => {
  expect(rules).toHaveLength(15);
  const data = sharedEvents();
  const records = [...data.stratus, ...data.panther, ...data.invictus];
  const got = await runDuckdb(trailDir(records), rules, 1);
  expect(got.events).toBe(records.length);
  expect(got.counts).toEqual(trailproofCounts(records));
});

test("DuckDB counts the same matches as trailproof on CloudWatch's edge records alone", async () => {
  const want = trailproofCounts(EDGES);
  // The edges decide something: some records match, and those on the wrong side of an edge do not.
  const matched = new Set(EDGES.filter((r) => matcher.matches(r).length > 0).map((r) => r.eventID));
  for (const id of ['e2', 'e3']) expect(matched.has(id)).toBe(true); // MFAUsed "No"; "yes" is not "Yes"
  // MFAUsed missing and eventType missing (!= is false on a missing field); "root", "createtrail" (case counts)
  for (const id of ['e1', 'e9', 'e11', 'e13']) expect(matched.has(id)).toBe(false);
  const got = await runDuckdb(trailDir(EDGES), rules, 1);
  expect(got.events).toBe(EDGES.length);
  expect(got.counts).toEqual(want);
});
