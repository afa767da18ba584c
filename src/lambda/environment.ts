import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { join } from 'node:path';
import type { RulePack } from '../model/rule';
import { isSeverity, type Severity } from '../model/severity';
import { loadRulePack } from '../rules/load';
import { REPO_ROOT } from '../version';
import type { AsffContext } from '../findings/asff';
import { EventBridgePublisher, PublishedLedger, type Publisher, SecurityHubPublisher, SnsPublisher } from './publish';

/**
 * The functions' settings, from the environment the stack gives them (stacks/parts/functions.ts
 * writes the same names). Endpoints are the SDK's own (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>),
 * so nothing here knows about tests.
 */
export const ENV = {
  rulesDir: 'TRAILPROOF_RULES_DIR',
  metricNamespace: 'TRAILPROOF_METRIC_NAMESPACE',
  ruleMetricsNamespace: 'TRAILPROOF_RULE_METRICS_NAMESPACE',
  securityHub: 'TRAILPROOF_SECURITY_HUB',
  eventBus: 'TRAILPROOF_EVENT_BUS',
  topicArn: 'TRAILPROOF_TOPIC_ARN',
  stateBucket: 'TRAILPROOF_STATE_BUCKET',
  statePrefix: 'TRAILPROOF_STATE_PREFIX',
  reportsBucket: 'TRAILPROOF_REPORTS_BUCKET',
  reportsPrefix: 'TRAILPROOF_REPORTS_PREFIX',
  reportsKmsKey: 'TRAILPROOF_REPORTS_KMS_KEY',
  regions: 'TRAILPROOF_REGIONS',
  aggregator: 'TRAILPROOF_AGGREGATOR',
  publishSeverities: 'TRAILPROOF_PUBLISH_SEVERITIES',
} as const;

/** The prefixes of the functions bucket, one per job (the stacks grant and set exactly these). */
export const FUNCTIONS_PREFIX = {
  ledger: 'state/published/',
  posture: 'reports/posture/',
  backfill: 'reports/backfill/',
} as const;

/**
 * src/util/schema.ts keeps ajv's compiled validators as standalone code that require()s ajv's
 * runtime modules, which the bundle does not ship as files: the functions compile their schemas
 * at start instead, given a cache directory that cannot be made (nothing kept, nothing read back).
 */
export const NO_SCHEMA_CACHE = { TRAILPROOF_SCHEMA_CACHE: '/dev/null/no-schema-cache' } as const;

export interface FunctionIdentity {
  partition: string;
  account: string;
  region: string;
}

/** From the invoked function's ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`). */
export function identityOf(functionArn: string | undefined, env: NodeJS.ProcessEnv = process.env): FunctionIdentity {
  const parts = (functionArn ?? '').split(':');
  if (parts.length >= 7 && parts[0] === 'arn' && parts[2] === 'lambda') return { partition: parts[1], region: parts[3], account: parts[4] };
  return { partition: 'aws', region: env.AWS_REGION ?? 'us-east-1', account: env.TRAILPROOF_ACCOUNT ?? '000000000000' };
}

/** TRAILPROOF_PUBLISH_SEVERITIES (comma-separated); undefined when unset: every severity. */
export function publishSeveritiesFromEnv(env: NodeJS.ProcessEnv = process.env): Set<Severity> | undefined {
  const v = env[ENV.publishSeverities];
  if (!v) return undefined;
  const list = v.split(',').map((x) => x.trim());
  const bad = list.filter((x) => !isSeverity(x));
  if (bad.length > 0) throw new Error(`${ENV.publishSeverities}: not severities: ${bad.join(', ')}`);
  return new Set(list as Severity[]);
}

const clientBase = () => ({ maxAttempts: 8, retryMode: 'standard' as const });

let pack: RulePack | undefined;

/** The rule pack shipped beside the bundle (rules/ next to the function's code, or TRAILPROOF_RULES_DIR). */
export function bundledRulePack(env: NodeJS.ProcessEnv = process.env): RulePack {
  if (!pack) {
    pack = loadRulePack({ dir: env[ENV.rulesDir] ?? join(REPO_ROOT, 'rules') });
    if (pack.errors.length > 0) throw new Error(`rule pack does not load: ${pack.errors.map((e) => `${e.path}${e.pointer}: ${e.message}`).join('; ')}`);
  }
  return pack;
}

/**
 * Checksums only where an operation requires one: with the SDK's default, a PutObject of a file
 * stream goes out aws-chunked with a trailing checksum, which S3 decodes but S3-compatible stores
 * (s3rver, that the tests run against, among them) store as is. TLS still protects the bytes.
 */
export function s3Client(): S3Client {
  return new S3Client({ ...clientBase(), requestChecksumCalculation: 'WHEN_REQUIRED' });
}

export function securityHubClient(): SecurityHubClient {
  return new SecurityHubClient(clientBase());
}

/** The publishers the environment asks for, in the order they are tried. */
export function publishersFromEnv(identity: () => FunctionIdentity, s3: S3Client, env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): Publisher[] {
  const out: Publisher[] = [];
  const ledger = env[ENV.stateBucket] ? new PublishedLedger(s3, env[ENV.stateBucket]!, env[ENV.statePrefix] ?? FUNCTIONS_PREFIX.ledger) : undefined;
  if (env[ENV.securityHub] === 'true') {
    out.push(new SecurityHubPublisher(securityHubClient(), (): AsffContext => ({ ...identity(), now: now() })));
  }
  if (env[ENV.eventBus]) out.push(new EventBridgePublisher(new EventBridgeClient(clientBase()), env[ENV.eventBus]!, ledger));
  if (env[ENV.topicArn]) out.push(new SnsPublisher(new SNSClient(clientBase()), env[ENV.topicArn]!, ledger));
  return out;
}
