import type { FileSubject, Finding, FindingStatus } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { Severity } from '../model/severity';
import { findingId } from '../util/finding-id';
import type { DigestOutcome, GapOutcome, LogOutcome, ValidationResult } from './results';

/**
 * Log file validation is what CIS asks for, in every version's numbering (spec cis-and-peers 1a):
 * the CIS controls of the posture rule that checks the setting (test/integrity/controls.test.ts).
 */
export const LOG_VALIDATION_CONTROLS = ['cis-aws@1.4.0:3.2', 'cis-aws@3.0.0:3.2', 'cis-aws@5.0.0:3.2', 'cis-aws@6.0.0:4.2', 'cis-aws@7.0.0:4.2'];

interface IntegrityRule {
  id: string;
  title: string;
  severity: Severity;
  remediation: string;
}

export const INTEGRITY_RULES = {
  digest: {
    id: 'integrity.digest-file',
    title: 'CloudTrail digest file is present, signed by AWS and linked into its chain',
    severity: 'high',
    remediation:
      'Treat the logs this digest covers as unverified. Find out who could write to the bucket (CloudTrail data events on it, S3 server access logs), restore the object from a version or replica, and protect the bucket with Object Lock or MFA delete.',
  },
  log: {
    id: 'integrity.log-file',
    title: 'CloudTrail log file matches the hash in its signed digest',
    severity: 'high',
    remediation:
      'The file was changed, replaced or deleted after delivery. Restore it from an S3 version or replica and investigate writes to the bucket; do not rely on its events.',
  },
  uncovered: {
    id: 'integrity.log-uncovered',
    title: 'CloudTrail log file is listed by a signed digest',
    severity: 'medium',
    remediation:
      'No digest vouches for this file: it was delivered while log file validation was off, or it was put there by someone else. Enable log file validation on every trail and do not rely on the file unless its origin is known.',
  },
  gap: {
    id: 'integrity.digest-gap',
    title: 'Digest chain is continuous (logging and validation stayed on)',
    severity: 'medium',
    remediation:
      'CloudTrail logging or log file validation was off in this window. Check the StopLogging/UpdateTrail events around it and keep both on (CIS 3.1, 3.2).',
  },
} satisfies Record<string, IntegrityRule>;

function subject(kind: FileSubject['kind'], account: string | null, region: string | null, key: string, location: string): FileSubject {
  return { kind, account, region, key, source: { path: location } };
}

function finding(rule: IntegrityRule, s: FileSubject, status: FindingStatus, message: string, evidence: Record<string, unknown>): Finding {
  return {
    id: findingId(rule.id, s),
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    status,
    controls: LOG_VALIDATION_CONTROLS,
    subject: s,
    message,
    evidence,
    remediation: rule.remediation,
  };
}

function digestFinding(d: DigestOutcome): Finding {
  const s = subject('digest-file', d.chain.account, d.chain.sourceRegion, d.key, d.location);
  const label = d.backfill ? '(backfill) digest' : 'digest';
  const message = d.valid ? `${label} valid` : `${label} INVALID: ${d.reasons.map((r) => r.message).join('; ')}`;
  return finding(INTEGRITY_RULES.digest, s, d.valid ? 'pass' : 'fail', message, {
    bucket: d.bucket,
    trail: d.chain.trailName,
    homeRegion: d.chain.homeRegion,
    organizationId: d.chain.orgId,
    backfill: d.backfill,
    reasons: d.reasons,
    ...(d.estimated ? { estimatedKey: true } : {}),
    ...(d.startTime ? { digestStartTime: d.startTime, digestEndTime: d.endTime, logFiles: d.logFiles, publicKeyFingerprint: d.fingerprint } : {}),
  });
}

function logFinding(l: LogOutcome): Finding {
  const s = subject('log-file', l.account, l.region, l.key, l.location);
  const uncovered = l.reasons.some((r) => r.code === 'uncovered');
  const rule = uncovered ? INTEGRITY_RULES.uncovered : INTEGRITY_RULES.log;
  const status: FindingStatus = l.status === 'valid' ? 'pass' : l.status === 'pending' ? 'not-applicable' : 'fail';
  const message = l.status === 'valid' ? 'log valid' : `log ${l.status === 'pending' ? 'pending' : 'INVALID'}: ${l.reasons.map((r) => r.message).join('; ')}`;
  return finding(rule, s, status, message, {
    bucket: l.bucket,
    reasons: l.reasons,
    listedBy: l.listedBy,
    ...(l.expectedSha256 ? { expectedSha256: l.expectedSha256 } : {}),
    ...(l.actualSha256 ? { actualSha256: l.actualSha256 } : {}),
    ...(l.trailingBytes ? { trailingBytes: l.trailingBytes } : {}),
  });
}

function gapFinding(g: GapOutcome, location: string): Finding {
  const s = subject('digest-file', g.chain.account, g.chain.sourceRegion, g.newerKey, location);
  return finding(
    INTEGRITY_RULES.gap,
    s,
    'fail',
    `No log files were delivered by CloudTrail between ${g.from} and ${g.to} (logging or validation off; the chain restarts at this digest)`,
    { bucket: g.bucket, trail: g.chain.trailName, from: g.from, to: g.to, olderDigest: g.olderKey, reasons: [{ code: 'gap', message: 'previous-digest link is null' }] },
  );
}

/** One finding per digest, per log file and per gap; one input record per file read or missed. */
export function toFindings(r: ValidationResult): { findings: Finding[]; inputs: InputRecord[] } {
  const findings: Finding[] = [];
  const inputs: InputRecord[] = [];
  const locationOf = new Map<string, string>();
  for (const d of r.digests) {
    findings.push(digestFinding(d));
    locationOf.set(d.key, d.location);
    inputs.push({
      path: d.location,
      kind: 'cloudtrail-digest',
      status: d.bytes !== undefined ? 'processed' : 'error',
      records: d.logFiles ?? 0,
      sha256: d.storedSha256 ?? null,
      ...(d.bytes !== undefined ? { bytes: d.bytes } : {}),
      ...(d.valid ? {} : { reason: d.reasons.map((x) => x.message).join('; ') }),
    });
  }
  for (const g of r.gaps) findings.push(gapFinding(g, locationOf.get(g.newerKey) ?? `s3://${g.bucket}/${g.newerKey}`));
  for (const l of r.logs) {
    findings.push(logFinding(l));
    inputs.push({
      path: l.location,
      kind: 'cloudtrail-log',
      status: l.bytes !== undefined ? 'processed' : l.reasons.some((x) => x.code === 'uncovered') ? 'skipped' : 'error',
      records: 0,
      sha256: l.storedSha256 ?? null,
      ...(l.bytes !== undefined ? { bytes: l.bytes } : {}),
      ...(l.status === 'valid' ? {} : { reason: l.reasons.map((x) => x.message).join('; ') }),
    });
  }
  for (const e of r.errors) inputs.push({ path: e.location, kind: 'unknown', status: e.skipped ? 'skipped' : 'error', records: 0, sha256: null, reason: e.message });
  return { findings, inputs };
}
