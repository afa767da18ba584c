import type { ChainId } from './key-layout';

/** Why a digest is not valid (spec A.10 result model, plus the checks aws-cli skips). */
export type DigestReasonCode =
  | 'not-found'
  | 'not-found-unlisted'
  | 'read-error'
  | 'invalid-format'
  | 'moved'
  | 'signature-missing'
  | 'algorithm-unsupported'
  | 'public-key-not-found'
  | 'key-region-mismatch'
  | 'unloadable-key'
  | 'signature-invalid'
  | 'account-mismatch'
  | 'chain-hash-mismatch'
  | 'chain-signature-mismatch'
  | 'window-hole'
  | 'bad-link'
  | 'not-on-chain';

export type LogReasonCode =
  | 'not-found'
  | 'read-error'
  | 'invalid-format'
  | 'hash-mismatch'
  | 'trailing-data'
  | 'hash-algorithm-unsupported'
  | 'uncovered';

export interface Reason<C extends string> {
  code: C;
  message: string;
}

export interface DigestOutcome {
  chain: ChainId;
  bucket: string;
  key: string;
  location: string;
  backfill: boolean;
  valid: boolean;
  reasons: Reason<DigestReasonCode>[];
  /** From the signed content, once the signature verified. */
  startTime?: string;
  endTime?: string;
  logFiles?: number;
  fingerprint?: string;
  /** For a digest inferred from a hole in the chain: its key is a prediction. */
  estimated?: boolean;
  bytes?: number;
  storedSha256?: string;
}

export interface LogOutcome {
  bucket: string;
  key: string;
  location: string;
  account: string | null;
  region: string | null;
  /** 'pending' when no digest could cover the file yet (it was delivered after the newest one). */
  status: 'valid' | 'invalid' | 'pending';
  reasons: Reason<LogReasonCode>[];
  /** Digests that list this file. */
  listedBy: string[];
  expectedSha256?: string[];
  actualSha256?: string;
  trailingBytes?: number;
  bytes?: number;
  storedSha256?: string;
}

/** Logging or validation was off: a signed starting digest, and an older digest before it. */
export interface GapOutcome {
  chain: ChainId;
  bucket: string;
  backfill: boolean;
  /** The starting digest whose previous-digest link is null. */
  newerKey: string;
  olderKey: string;
  from: string;
  to: string;
}

/** What was checked for one chain, for the summary. */
export interface ChainCoverage {
  chain: ChainId;
  backfill: boolean;
  listed: number;
  validDigests: number;
  /** Earliest valid digestStartTime and latest valid digestEndTime. */
  from: string | null;
  to: string | null;
}

export interface ValidationResult {
  bucket: string;
  prefix: string;
  start: Date;
  end: Date;
  digests: DigestOutcome[];
  logs: LogOutcome[];
  gaps: GapOutcome[];
  chains: ChainCoverage[];
  /** Problems that are not about one file: unreadable key files, listing failures. */
  errors: { location: string; message: string; skipped?: boolean }[];
}
