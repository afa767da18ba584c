import type { Subject } from '../model/finding';
import { sha256Hex } from './hash';

/**
 * The part of a subject that names it across runs. Paths are left out on purpose: the same event
 * read from a copied archive, or the same resource synthesized into a fresh cdktf.out, must keep
 * its finding id so baselines and suppressions still apply.
 */
function subjectKey(s: Subject): string {
  switch (s.kind) {
    case 'event':
      // eventID is unique per event; without one (hand-made input) fall back to what identifies the call.
      return s.eventId
        ? `event:${s.eventId}`
        : `event:${s.eventTime ?? ''}|${s.eventSource ?? ''}|${s.eventName ?? ''}|${s.principal ?? ''}|${s.sourceIp ?? ''}`;
    case 'resource':
      return `resource:${s.stack ?? ''}|${s.account ?? ''}|${s.region ?? ''}|${s.resourceType}|${s.arn ?? s.address ?? s.resourceId}`;
    case 'account':
      return `account:${s.stack ?? ''}|${s.account ?? ''}|${s.region ?? ''}`;
    case 'log-file':
    case 'digest-file':
      return `${s.kind}:${s.account ?? ''}|${s.region ?? ''}|${s.key}`;
  }
}

/** Stable finding id: the same rule on the same subject gives the same id in every run. */
export function findingId(ruleId: string, subject: Subject): string {
  return sha256Hex(`${ruleId}\0${subjectKey(subject)}`).slice(0, 24);
}
