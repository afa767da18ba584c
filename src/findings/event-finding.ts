import type { CloudTrailRecord, LocatedRecord } from '../model/event';
import type { EventSubject, Finding } from '../model/finding';
import type { Rule } from '../model/rule';
import { conditionPaths } from '../engine/conditions';
import { ruleCondition } from '../semantics/condition-json';
import { resolveSelector } from '../semantics/selector';
import { queryWindow } from '../insights/translate';
import { ruleInsights } from '../insights/rule-queries';
import { eventEvidenceOf } from './event-evidence';
import { findingId } from '../util/finding-id';

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/**
 * Who made the call, in the form an investigator searches for: the ARN when CloudTrail gives one,
 * else the principal id, else the identity type (AWSService calls carry only invokedBy).
 */
function principalOf(record: CloudTrailRecord): string | null {
  const u = record.userIdentity;
  if (!u || typeof u !== 'object') return null;
  return str(u.arn) ?? str(u.principalId) ?? str(u.invokedBy) ?? str(u.type);
}

function eventSubject(located: LocatedRecord): EventSubject {
  const r = located.record;
  const { path, index, line } = located.location;
  return {
    kind: 'event',
    eventId: str(r.eventID),
    eventName: str(r.eventName),
    eventTime: str(r.eventTime),
    eventSource: str(r.eventSource),
    principal: principalOf(r),
    sourceIp: str(r.sourceIPAddress),
    account: str(r.recipientAccountId) ?? str((r.userIdentity as Record<string, unknown> | undefined)?.accountId),
    region: str(r.awsRegion),
    source: line === undefined ? { path, index } : { path, index, line },
  };
}

/**
 * The values of every field the rule's conditions read (why it matched), then `event`: what an
 * auditor asks of any event finding (src/findings/event-evidence.ts), then the rule's pattern.
 */
function eventEvidence(rule: Rule, record: CloudTrailRecord, full = false): Record<string, unknown> {
  const evidence: Record<string, unknown> = {};
  for (const p of conditionPaths(ruleCondition(rule))) {
    const v = resolveSelector(record, p);
    evidence[p] = v === undefined ? '(missing)' : v;
  }
  if (full) {
    evidence.event = eventEvidenceOf(record);
    // The saved query and the hour either side of the event: what an investigator opens next.
    const q = ruleInsights(rule);
    const w = q && queryWindow(typeof record.eventTime === 'string' ? record.eventTime : null);
    if (q && w) evidence.logsInsights = { queryDefinition: q.name, query: q.query, ...w };
  }
  if (rule.cloudwatch) evidence.filterPattern = rule.cloudwatch.filterPattern;
  return evidence;
}

export function eventFinding(rule: Rule, located: LocatedRecord): Finding {
  const subject = eventSubject(located);
  const who = subject.principal ?? 'unknown principal';
  const from = subject.sourceIp ? ` from ${subject.sourceIp}` : '';
  const when = subject.eventTime ? ` at ${subject.eventTime}` : '';
  return {
    id: findingId(rule.id, subject),
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    status: 'fail',
    // Shared with the rule, never changed: one list per rule, quoted once when findings are written out.
    controls: rule.controls,
    subject,
    message: `${rule.title}: ${subject.eventName ?? 'event'} by ${who}${from}${when}`,
    evidence: eventEvidence(rule, located.record, true),
    remediation: rule.remediation,
  };
}
