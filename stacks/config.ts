import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Severity } from '../src/model/severity';
import { describeJsonError } from '../src/util/json-position';
import { explainErrors } from '../src/util/schema';
import { REPO_ROOT } from '../src/version';

/** The configuration file the app reads when no other is named (TRAILPROOF_CONFIG overrides). */
export const DEFAULT_CONFIG_PATH = join(REPO_ROOT, 'trailproof.config.json');

export type SubscriptionProtocol = 'email' | 'email-json' | 'sms' | 'https' | 'sqs' | 'lambda';
export type S3DataEventMode = 'All' | 'ReadOnly' | 'WriteOnly' | 'None';
export type SnapshotFrequency = 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';

export interface Subscription {
  protocol: SubscriptionProtocol;
  endpoint: string;
  rawMessageDelivery?: boolean;
}

/** The configuration as written: every field optional (stacks/config.schema.json). */
export interface StacksConfigInput {
  $schema?: string;
  stackName?: string;
  namePrefix?: string;
  account?: string;
  partition?: 'aws' | 'aws-us-gov' | 'aws-cn';
  region?: string;
  regions?: string[];
  tags?: Record<string, string>;
  backend?: { s3: { bucket: string; key: string; region?: string; useLockfile?: boolean; dynamodbTable?: string; kmsKeyId?: string } };
  trail?: {
    name?: string;
    organization?: { enabled?: boolean; organizationId?: string };
    insights?: ('ApiCallRateInsight' | 'ApiErrorRateInsight')[];
    dataEvents?: { s3?: { mode?: S3DataEventMode; buckets?: string[]; excludeBuckets?: string[] }; lambda?: boolean; separateTrail?: boolean | { name?: string } };
    keyDeletionWindowDays?: number;
  };
  opsTrail?: { enabled?: boolean; name?: string; expireAfterDays?: number };
  storage?: {
    bucketName?: string;
    accessLogBucketName?: string;
    glacierAfterDays?: number;
    expireAfterDays?: number;
    noncurrentExpireAfterDays?: number;
    accessLogExpireAfterDays?: number;
    forceDestroy?: boolean;
    objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
  };
  logs?: { logGroupName?: string; retentionDays?: number };
  alarms?: {
    namespace?: string;
    rulesDir?: string;
    topicName?: string;
    treatMissingData?: 'notBreaching' | 'breaching' | 'ignore' | 'missing';
    deliveryHealth?: boolean;
    okActions?: boolean;
    insufficientDataActions?: boolean;
  };
  notifications?: Subscription[];
  config?: { enabled?: boolean; snapshotFrequency?: SnapshotFrequency; globalResourcesInAllRegions?: boolean };
  securityHub?: { enabled?: boolean; standards?: string[] };
  eventBridge?: { enabled?: boolean; severities?: Severity[]; regions?: string[]; targets?: EventTarget[] };
  dashboard?: { enabled?: boolean; name?: string };
  detection?: {
    enabled?: boolean;
    trigger?: 's3-notification' | 'eventbridge';
    securityHub?: boolean;
    eventBridge?: boolean | { busName?: string };
    sns?: boolean;
    severities?: Severity[];
    alarmSource?: 'metric-filters' | 'detection';
    batchSize?: number;
    batchingWindowSeconds?: number;
    maxReceiveCount?: number;
    memoryMb?: number;
    timeoutSeconds?: number;
    maxConcurrency?: number;
  };
  schedule?: { enabled?: boolean; expression?: string; timezone?: string; regions?: string[]; aggregator?: string; securityHub?: boolean; memoryMb?: number; timeoutSeconds?: number };
  backfill?: { enabled?: boolean; itemsPerBatch?: number; maxConcurrency?: number; memoryMb?: number; timeoutSeconds?: number };
}

/** An EventBridge target besides the alarm topic: what security teams route findings to. */
export interface EventTarget {
  type: 'sns' | 'sqs' | 'lambda' | 'kinesis';
  arn: string;
}

/** The configuration with every default applied: what the stack builders read. */
export interface StacksConfig {
  stackName: string;
  namePrefix: string;
  account?: string;
  partition: 'aws' | 'aws-us-gov' | 'aws-cn';
  region: string;
  regions: string[];
  tags: Record<string, string>;
  backend?: { s3: { bucket: string; key: string; region: string; useLockfile: boolean; dynamodbTable?: string; kmsKeyId?: string } };
  trail: {
    name: string;
    organization: { enabled: boolean; organizationId?: string };
    insights: ('ApiCallRateInsight' | 'ApiErrorRateInsight')[];
    dataEvents: {
      s3: { mode: S3DataEventMode; buckets: string[]; excludeBuckets: string[] };
      lambda: boolean;
      /** Data events in their own trail (S3 only, no CloudWatch Logs delivery): the name of that trail. */
      separateTrail?: string;
    };
    keyDeletionWindowDays: number;
  };
  opsTrail: { enabled: boolean; name: string; expireAfterDays: number };
  storage: {
    bucketName?: string;
    accessLogBucketName?: string;
    glacierAfterDays: number;
    expireAfterDays: number;
    noncurrentExpireAfterDays: number;
    accessLogExpireAfterDays: number;
    forceDestroy: boolean;
    objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
  };
  logs: { logGroupName: string; retentionDays: number };
  alarms: {
    namespace: string;
    rulesDir?: string;
    topicName: string;
    treatMissingData: 'notBreaching' | 'breaching' | 'ignore' | 'missing';
    deliveryHealth: boolean;
    okActions: boolean;
    insufficientDataActions: boolean;
  };
  notifications: Subscription[];
  config: { enabled: boolean; snapshotFrequency: SnapshotFrequency; globalResourcesInAllRegions: boolean };
  securityHub: { enabled: boolean; standards: string[] };
  eventBridge: { enabled: boolean; severities: Severity[]; regions: string[]; targets: EventTarget[] };
  dashboard: { enabled: boolean; name: string };
  /** Per-delivery detection (stacks/parts/functions.ts). `eventBus` is set when findings go to EventBridge. */
  detection: {
    enabled: boolean;
    trigger: 's3-notification' | 'eventbridge';
    securityHub: boolean;
    eventBus?: string;
    sns: boolean;
    /** Published severities; undefined: all. */
    severities?: Severity[];
    /**
     * What feeds the rule alarms. metric-filters (default): the trail delivers to CloudWatch Logs
     * and metric filters count; the function's counts go beside them. detection: the trail does
     * not deliver to CloudWatch Logs at all (no ingestion of the trail) and the alarms read the
     * function's EMF metrics, under the same names.
     */
    alarmSource: 'metric-filters' | 'detection';
    batchSize: number;
    batchingWindowSeconds: number;
    maxReceiveCount: number;
    memoryMb: number;
    timeoutSeconds: number;
    maxConcurrency?: number;
  };
  schedule: { enabled: boolean; expression: string; timezone: string; regions: string[]; aggregator?: string; securityHub: boolean; memoryMb: number; timeoutSeconds: number };
  backfill: { enabled: boolean; itemsPerBatch: number; maxConcurrency: number; memoryMb: number; timeoutSeconds: number };
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: { pointer: string; message: string }[],
  ) {
    super(`invalid stacks configuration ${source}:\n${problems.map((p) => `  ${p.pointer || '/'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

let validator: ValidateFunction | undefined;
function validate(doc: unknown): ValidateFunction['errors'] {
  if (!validator) {
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(join(__dirname, 'config.schema.json'), 'utf8')));
  }
  return validator(doc) ? null : validator.errors;
}

/**
 * Validate a configuration and apply the defaults. `source` names the file in errors; `baseDir`
 * anchors relative paths (rulesDir) to the file rather than to wherever synth happens to run.
 */
export function resolveConfig(input: unknown, source = '<inline>', baseDir = REPO_ROOT): StacksConfig {
  const errors = validate(input);
  if (errors) throw new ConfigError(source, explainErrors(errors));
  const c = input as StacksConfigInput;
  const problems: { pointer: string; message: string }[] = [];

  const prefix = c.namePrefix ?? 'trailproof';
  const region = c.region ?? 'us-east-1';
  const regions = c.regions ?? [region];
  if (!regions.includes(region)) problems.push({ pointer: '/regions', message: `must include the home region "${region}"` });
  (c.notifications ?? []).forEach((s, i) => {
    if (s.rawMessageDelivery !== undefined && s.protocol !== 'sqs' && s.protocol !== 'https') {
      problems.push({ pointer: `/notifications/${i}/rawMessageDelivery`, message: `only applies to sqs and https, not ${s.protocol}` });
    }
  });
  const s3 = c.trail?.dataEvents?.s3 ?? {};
  if (s3.mode === 'None' && ((s3.buckets?.length ?? 0) > 0 || (s3.excludeBuckets?.length ?? 0) > 0)) {
    problems.push({ pointer: '/trail/dataEvents/s3', message: 'buckets/excludeBuckets given but mode is "None"' });
  }
  if ((s3.buckets?.length ?? 0) > 0 && (s3.excludeBuckets?.length ?? 0) > 0) {
    problems.push({ pointer: '/trail/dataEvents/s3', message: 'give either buckets (only these) or excludeBuckets (all but these), not both' });
  }
  const trailName = c.trail?.name ?? `${prefix}-audit`;
  const opsName = c.opsTrail?.name ?? `${prefix}-operations`;
  if (c.opsTrail?.enabled && opsName === trailName) problems.push({ pointer: '/opsTrail/name', message: `must differ from the audit trail name "${trailName}"` });
  const separate = c.trail?.dataEvents?.separateTrail;
  const dataTrailName = separate ? (typeof separate === 'object' && separate.name) || `${prefix}-data-events` : undefined;
  if (dataTrailName && (dataTrailName === trailName || (c.opsTrail?.enabled && dataTrailName === opsName))) {
    problems.push({ pointer: '/trail/dataEvents/separateTrail', message: `trail name "${dataTrailName}" is already used` });
  }
  if (dataTrailName && s3.mode === 'None' && !c.trail?.dataEvents?.lambda) {
    problems.push({ pointer: '/trail/dataEvents/separateTrail', message: 'a separate data-event trail with no data events (s3 mode "None", lambda off)' });
  }
  const ebRegions = c.eventBridge?.regions;
  if (ebRegions && !ebRegions.includes(region)) problems.push({ pointer: '/eventBridge/regions', message: `must include the home region "${region}" (the other regions forward to it)` });
  (c.eventBridge?.targets ?? []).forEach((t, i) => {
    const service = t.arn.split(':')[2];
    if (service !== t.type) problems.push({ pointer: `/eventBridge/targets/${i}/arn`, message: `is a ${service} ARN, not ${t.type}` });
    else if (t.arn.split(':')[3] !== region) problems.push({ pointer: `/eventBridge/targets/${i}/arn`, message: `must be in the home region ${region}: EventBridge targets are in the rule's region` });
  });
  const glacier = c.storage?.glacierAfterDays ?? 90;
  const expire = c.storage?.expireAfterDays ?? 2557;
  if (expire <= glacier) problems.push({ pointer: '/storage/expireAfterDays', message: `must be later than glacierAfterDays (${glacier})` });
  const lock = c.storage?.objectLock;
  if (lock && lock.days > expire) problems.push({ pointer: '/storage/objectLock/days', message: `locks objects past their expiry (expireAfterDays ${expire})` });
  if (c.backend && !c.backend.s3.dynamodbTable && c.backend.s3.useLockfile === false) {
    problems.push({ pointer: '/backend/s3', message: 'remote state without locking: set useLockfile or dynamodbTable' });
  }
  const det = c.detection ?? {};
  if ((det.batchSize ?? 10) > 10 && (det.batchingWindowSeconds ?? 0) < 1) {
    problems.push({ pointer: '/detection/batchingWindowSeconds', message: 'a batchSize over 10 needs a batching window of at least 1 second (SQS event source mappings)' });
  }
  if (det.enabled && det.securityHub === false && !det.eventBridge && !det.sns) {
    problems.push({ pointer: '/detection', message: 'detection enabled with nowhere to publish: turn on securityHub, eventBridge or sns' });
  }
  if (det.alarmSource === 'detection' && !det.enabled) {
    problems.push({ pointer: '/detection/alarmSource', message: "'detection' feeds the alarms from the detection function: set detection.enabled too" });
  }
  if (problems.length > 0) throw new ConfigError(source, problems);

  const rulesDir = c.alarms?.rulesDir;
  return {
    stackName: c.stackName ?? `${prefix}-audit`,
    namePrefix: prefix,
    account: c.account,
    partition: c.partition ?? 'aws',
    region,
    regions,
    tags: { ManagedBy: 'trailproof', ...(c.tags ?? {}) },
    backend: c.backend && {
      s3: { ...c.backend.s3, region: c.backend.s3.region ?? region, useLockfile: c.backend.s3.useLockfile ?? !c.backend.s3.dynamodbTable },
    },
    trail: {
      name: trailName,
      organization: { enabled: c.trail?.organization?.enabled ?? false, organizationId: c.trail?.organization?.organizationId },
      insights: c.trail?.insights ?? [],
      dataEvents: {
        s3: { mode: s3.mode ?? 'All', buckets: s3.buckets ?? [], excludeBuckets: s3.excludeBuckets ?? [] },
        lambda: c.trail?.dataEvents?.lambda ?? false,
        separateTrail: dataTrailName,
      },
      keyDeletionWindowDays: c.trail?.keyDeletionWindowDays ?? 30,
    },
    opsTrail: { enabled: c.opsTrail?.enabled ?? false, name: opsName, expireAfterDays: c.opsTrail?.expireAfterDays ?? 400 },
    storage: {
      bucketName: c.storage?.bucketName,
      accessLogBucketName: c.storage?.accessLogBucketName,
      glacierAfterDays: glacier,
      expireAfterDays: expire,
      noncurrentExpireAfterDays: c.storage?.noncurrentExpireAfterDays ?? 90,
      accessLogExpireAfterDays: c.storage?.accessLogExpireAfterDays ?? 400,
      forceDestroy: c.storage?.forceDestroy ?? false,
      objectLock: lock,
    },
    logs: { logGroupName: c.logs?.logGroupName ?? `/aws/cloudtrail/${trailName}`, retentionDays: c.logs?.retentionDays ?? 365 },
    alarms: {
      namespace: c.alarms?.namespace ?? 'CISBenchmark',
      rulesDir: rulesDir === undefined ? undefined : isAbsolute(rulesDir) ? rulesDir : resolve(baseDir, rulesDir),
      topicName: c.alarms?.topicName ?? `${prefix}-security-alarms`,
      treatMissingData: c.alarms?.treatMissingData ?? 'notBreaching',
      deliveryHealth: c.alarms?.deliveryHealth ?? true,
      okActions: c.alarms?.okActions ?? true,
      insufficientDataActions: c.alarms?.insufficientDataActions ?? false,
    },
    notifications: c.notifications ?? [],
    config: {
      enabled: c.config?.enabled ?? true,
      snapshotFrequency: c.config?.snapshotFrequency ?? 'TwentyFour_Hours',
      globalResourcesInAllRegions: c.config?.globalResourcesInAllRegions ?? true,
    },
    securityHub: { enabled: c.securityHub?.enabled ?? true, standards: c.securityHub?.standards ?? ['cis-aws-foundations-benchmark/v/5.0.0'] },
    eventBridge: {
      enabled: c.eventBridge?.enabled ?? false,
      severities: c.eventBridge?.severities ?? ['critical'],
      regions: c.eventBridge?.regions ?? regions,
      targets: c.eventBridge?.targets ?? [],
    },
    dashboard: { enabled: c.dashboard?.enabled ?? true, name: c.dashboard?.name ?? `${prefix}-audit` },
    detection: {
      enabled: det.enabled ?? false,
      trigger: det.trigger ?? 's3-notification',
      securityHub: det.securityHub ?? true,
      eventBus: det.eventBridge ? (typeof det.eventBridge === 'object' && det.eventBridge.busName) || 'default' : undefined,
      sns: det.sns ?? false,
      severities: det.severities,
      alarmSource: det.alarmSource ?? 'metric-filters',
      batchSize: det.batchSize ?? 10,
      batchingWindowSeconds: det.batchingWindowSeconds ?? 0,
      maxReceiveCount: det.maxReceiveCount ?? 5,
      memoryMb: det.memoryMb ?? 512,
      timeoutSeconds: det.timeoutSeconds ?? 120,
      maxConcurrency: det.maxConcurrency,
    },
    schedule: {
      enabled: c.schedule?.enabled ?? false,
      expression: c.schedule?.expression ?? 'rate(1 day)',
      timezone: c.schedule?.timezone ?? 'UTC',
      regions: c.schedule?.regions ?? regions,
      aggregator: c.schedule?.aggregator,
      securityHub: c.schedule?.securityHub ?? true,
      memoryMb: c.schedule?.memoryMb ?? 1024,
      timeoutSeconds: c.schedule?.timeoutSeconds ?? 900,
    },
    backfill: {
      enabled: c.backfill?.enabled ?? false,
      itemsPerBatch: c.backfill?.itemsPerBatch ?? 100,
      maxConcurrency: c.backfill?.maxConcurrency ?? 100,
      memoryMb: c.backfill?.memoryMb ?? 1024,
      timeoutSeconds: c.backfill?.timeoutSeconds ?? 900,
    },
  };
}

/** Read and resolve a configuration file; a missing default file means all defaults. */
export function loadConfig(path?: string): StacksConfig {
  const named = path || process.env.TRAILPROOF_CONFIG || undefined;
  const file = named ?? DEFAULT_CONFIG_PATH;
  if (!existsSync(file)) {
    if (named) throw new ConfigError(file, [{ pointer: '', message: 'file not found' }]);
    return resolveConfig({}, '<defaults>');
  }
  const text = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [{ pointer: '', message: `invalid JSON: ${describeJsonError(e, text).message}` }]);
  }
  return resolveConfig(doc, file, dirname(resolve(file)));
}
