import { RT, type RelationName } from '../model/resource';
import { type Obj, asArray, bool, isObj, maybeJson, num, pick, str, strOrNull, strings } from '../util/values';
import type { MappedResource } from './terraform-resources';

/**
 * One AWS Config configuration item with both envelope shapes folded together: the S3 delivery /
 * ConfigurationItem API shape (`configurationItemVersion`, `ARN`, `awsAccountId`) and the
 * shape of Config rule events, SelectResourceConfig and the rdk samples (`version`, `arn`,
 * `accountId`). `configuration` and `supplementaryConfiguration` values that arrive as JSON text
 * are parsed.
 */
export interface ConfigItem {
  resourceType: string;
  resourceId: string;
  resourceName: string | null;
  arn: string | null;
  account: string | null;
  region: string | null;
  status: string | null;
  captureTime: string | null;
  configuration: Obj;
  supplementary: Obj;
}

const NOT_PRESENT = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded']);

export type ItemResult = { item: ConfigItem } | { skip: string };

export function readConfigItem(raw: unknown): ItemResult {
  if (!isObj(raw)) return { skip: 'configuration item is not an object' };
  const resourceType = str(raw.resourceType);
  const resourceId = str(raw.resourceId);
  if (!resourceType || !resourceId) return { skip: 'configuration item without resourceType/resourceId' };
  const status = str(raw.configurationItemStatus);
  if (status && NOT_PRESENT.has(status)) return { skip: `configuration item status ${status}` };
  const configuration = maybeJson(raw.configuration);
  const supp = maybeJson(raw.supplementaryConfiguration);
  const supplementary: Obj = {};
  if (isObj(supp)) for (const [k, v] of Object.entries(supp)) supplementary[k] = maybeJson(v);
  const region = str(raw.awsRegion);
  return {
    item: {
      resourceType,
      resourceId,
      resourceName: str(raw.resourceName),
      arn: str(raw.ARN) ?? str(raw.arn),
      account: str(raw.awsAccountId) ?? str(raw.accountId),
      region: region === 'global' ? null : region,
      status,
      captureTime: str(raw.configurationItemCaptureTime),
      configuration: isObj(configuration) ? configuration : {},
      supplementary,
    },
  };
}

function refs(...vals: unknown[]): string[] {
  return vals.flatMap((v) => strings(v));
}

function selectorList(v: unknown): unknown {
  return asArray(v)
    .filter(isObj)
    .map((s) => ({
      readWriteType: str(pick(s, 'readWriteType')) ?? 'All',
      includeManagementEvents: bool(pick(s, 'includeManagementEvents'), true),
      excludeManagementEventSources: strings(pick(s, 'excludeManagementEventSources')),
      dataResources: asArray(pick(s, 'dataResources'))
        .filter(isObj)
        .map((d) => ({ type: str(pick(d, 'type')), values: strings(pick(d, 'values')) })),
    }));
}

export function advancedSelectorList(v: unknown): unknown {
  return asArray(v)
    .filter(isObj)
    .map((s) => ({
      name: str(pick(s, 'name')),
      fieldSelectors: asArray(pick(s, 'fieldSelectors'))
        .filter(isObj)
        .map((f) => ({
          field: str(pick(f, 'field')),
          equals: strings(pick(f, 'equals')),
          notEquals: strings(pick(f, 'notEquals')),
          startsWith: strings(pick(f, 'startsWith')),
          notStartsWith: strings(pick(f, 'notStartsWith')),
          endsWith: strings(pick(f, 'endsWith')),
          notEndsWith: strings(pick(f, 'notEndsWith')),
        })),
    }));
}

/**
 * What Config says about a trail's selectors: listed selectors when it recorded them; the AWS
 * default (all management events) when the trail has no custom selectors; unknown otherwise.
 */
function trailSelectors(c: Obj, s: Obj): { eventSelectors: unknown; advancedEventSelectors: unknown } {
  const es = pick(c, 'eventSelectors') ?? pick(s, 'EventSelectors');
  const aes = pick(c, 'advancedEventSelectors') ?? pick(s, 'AdvancedEventSelectors');
  if (es !== undefined || aes !== undefined) return { eventSelectors: selectorList(es), advancedEventSelectors: advancedSelectorList(aes) };
  if (bool(pick(c, 'hasCustomEventSelectors')) === false) return { eventSelectors: [], advancedEventSelectors: [] };
  return { eventSelectors: undefined, advancedEventSelectors: undefined };
}

function flags(v: unknown): Record<string, boolean | null | undefined> | null {
  if (!isObj(v)) return null;
  return {
    blockPublicAcls: bool(pick(v, 'blockPublicAcls'), false),
    ignorePublicAcls: bool(pick(v, 'ignorePublicAcls'), false),
    blockPublicPolicy: bool(pick(v, 'blockPublicPolicy'), false),
    restrictPublicBuckets: bool(pick(v, 'restrictPublicBuckets'), false),
  };
}

/** Map one configuration item onto the model; null for types no posture rule reads. */
export function mapConfigItem(item: ConfigItem): MappedResource | null {
  const c = item.configuration;
  const s = item.supplementary;
  const base = { id: item.resourceId, name: item.resourceName, arn: item.arn };
  const r = (type: string, properties: Record<string, unknown>, rel: Partial<Record<RelationName, string[]>> = {}, extra: Partial<MappedResource> = {}): MappedResource => ({
    type,
    ...base,
    properties,
    refs: rel,
    ...extra,
  });
  switch (item.resourceType) {
    case RT.Trail: {
      const name = str(pick(c, 'name')) ?? item.resourceName ?? item.resourceId;
      const sel = trailSelectors(c, s);
      return r(
        RT.Trail,
        {
          isMultiRegion: bool(pick(c, 'isMultiRegionTrail'), false),
          // Config does not record whether a trail is logging: only a live scan can tell.
          isLogging: bool(pick(c, 'isLogging') ?? pick(s, 'IsLogging', 'TrailStatus')),
          logFileValidation: bool(pick(c, 'logFileValidationEnabled', 'enableLogFileValidation'), false),
          kmsKeyId: strOrNull(pick(c, 'kmsKeyId')),
          s3BucketName: strOrNull(pick(c, 's3BucketName')),
          cloudWatchLogsLogGroupArn: strOrNull(pick(c, 'cloudWatchLogsLogGroupArn')),
          includeGlobalServiceEvents: bool(pick(c, 'includeGlobalServiceEvents'), true),
          isOrganizationTrail: bool(pick(c, 'isOrganizationTrail'), false),
          homeRegion: str(pick(c, 'homeRegion')) ?? item.region,
          ...sel,
          statusSource: 'aws-config',
        },
        {
          bucket: refs(pick(c, 's3BucketName')),
          kmsKey: refs(pick(c, 'kmsKeyId')),
          logGroup: refs(pick(c, 'cloudWatchLogsLogGroupArn')),
          role: refs(pick(c, 'cloudWatchLogsRoleArn')),
        },
        { name, arn: item.arn ?? str(pick(c, 'trailARN', 'arn')) },
      );
    }
    case RT.LogGroup:
      return r(
        RT.LogGroup,
        { retentionInDays: num(pick(c, 'retentionInDays'), null), kmsKeyId: strOrNull(pick(c, 'kmsKeyId')) },
        { kmsKey: refs(pick(c, 'kmsKeyId')) },
        // DescribeLogGroups writes the ARN with a trailing `:*`, Config without: one key for both
        { name: str(pick(c, 'logGroupName')) ?? item.resourceName ?? item.resourceId, arn: item.arn ? item.arn.replace(/:\*$/, '') : null },
      );
    case RT.MetricFilter: {
      const mt = asArray(pick(c, 'metricTransformations')).filter(isObj)[0] ?? {};
      return r(
        RT.MetricFilter,
        {
          pattern: typeof pick(c, 'filterPattern') === 'string' ? pick(c, 'filterPattern') : '',
          logGroupName: strOrNull(pick(c, 'logGroupName')),
          metricName: strOrNull(pick(mt, 'metricName')),
          metricNamespace: strOrNull(pick(mt, 'metricNamespace')),
          metricValue: strOrNull(pick(mt, 'metricValue')),
        },
        { logGroup: refs(pick(c, 'logGroupName')) },
        { name: str(pick(c, 'filterName')) ?? item.resourceName },
      );
    }
    case RT.Alarm:
      return r(
        RT.Alarm,
        {
          actionsEnabled: bool(pick(c, 'actionsEnabled'), true),
          alarmActions: strings(pick(c, 'alarmActions')),
          metricName: strOrNull(pick(c, 'metricName')),
          namespace: strOrNull(pick(c, 'namespace')),
          statistic: strOrNull(pick(c, 'statistic')),
          period: num(pick(c, 'period'), null),
          threshold: num(pick(c, 'threshold'), null),
          evaluationPeriods: num(pick(c, 'evaluationPeriods'), null),
          comparisonOperator: strOrNull(pick(c, 'comparisonOperator')),
        },
        { topics: refs(pick(c, 'alarmActions')) },
        { name: str(pick(c, 'alarmName')) ?? item.resourceName },
      );
    case RT.Topic: {
      const subs = pick(c, 'Subscription', 'subscriptions');
      const arn = item.arn ?? str(pick(c, 'TopicArn'));
      return r(
        RT.Topic,
        {
          kmsMasterKeyId: strOrNull(pick(c, 'KmsMasterKeyId')),
          // Config's topic item does not list subscriptions unless the newer schema recorded them.
          confirmedSubscriptions: subs === undefined ? undefined : asArray(subs).filter(isObj).length,
        },
        { kmsKey: refs(pick(c, 'KmsMasterKeyId')) },
        { arn, name: item.resourceName ?? (arn ? arn.split(':').pop() ?? null : null) },
      );
    }
    case RT.Bucket: {
      const logging = pick(s, 'BucketLoggingConfiguration');
      const versioning = pick(s, 'BucketVersioningConfiguration');
      const policy = pick(s, 'BucketPolicy');
      const pab = pick(s, 'PublicAccessBlockConfiguration');
      const policyText = isObj(policy) ? maybeJson(pick(policy, 'policyText')) : undefined;
      return r(
        RT.Bucket,
        {
          loggingTargetBucket: isObj(logging) ? strOrNull(pick(logging, 'destinationBucketName')) : logging === undefined ? undefined : null,
          versioningStatus: isObj(versioning) ? strOrNull(pick(versioning, 'status')) : versioning === undefined ? undefined : null,
          policy: policy === undefined ? undefined : (policyText ?? null),
          publicAccessBlock: pab === undefined ? null : flags(pab),
        },
        { loggingTarget: isObj(logging) ? refs(pick(logging, 'destinationBucketName')) : [] },
        { name: str(pick(c, 'name')) ?? item.resourceName ?? item.resourceId },
      );
    }
    case RT.AccountPublicAccessBlock:
      return r(RT.AccountPublicAccessBlock, { publicAccessBlock: flags(c) });
    case RT.Key: {
      const rotation = pick(c, 'keyRotationEnabled', 'enableKeyRotation') ?? pick(s, 'KeyRotationStatus', 'keyRotationEnabled');
      const state = str(pick(c, 'keyState'));
      return r(RT.Key, {
        keyManager: str(pick(c, 'keyManager')),
        keySpec: str(pick(c, 'keySpec', 'customerMasterKeySpec')) ?? 'SYMMETRIC_DEFAULT',
        keyUsage: str(pick(c, 'keyUsage')) ?? 'ENCRYPT_DECRYPT',
        enabled: bool(pick(c, 'enabled'), state ? state === 'Enabled' : undefined),
        rotationEnabled: bool(rotation),
      }, {}, { name: str(pick(c, 'description')) ?? item.resourceName });
    }
    case RT.Vpc:
      return r(RT.Vpc, { isDefault: bool(pick(c, 'isDefault'), false) }, {}, { name: item.resourceName ?? str(pick(c, 'vpcId')) });
    case RT.FlowLog:
      return r(
        RT.FlowLog,
        {
          trafficType: strOrNull(pick(c, 'trafficType')),
          logDestinationType: strOrNull(pick(c, 'logDestinationType')),
          status: strOrNull(pick(c, 'flowLogStatus')),
        },
        { vpc: refs(pick(c, 'resourceId')) },
      );
    case RT.Recorder: {
      const rg = pick(c, 'recordingGroup');
      const strategy = isObj(rg) ? pick(rg, 'recordingStrategy') : undefined;
      return r(RT.Recorder, {
        allSupported: isObj(rg) ? bool(pick(rg, 'allSupported'), false) : undefined,
        includeGlobalResourceTypes: isObj(rg) ? bool(pick(rg, 'includeGlobalResourceTypes'), false) : undefined,
        recordingStrategy: isObj(strategy) ? str(pick(strategy, 'useOnly')) : null,
        recording: bool(pick(c, 'recording') ?? pick(s, 'ConfigurationRecorderStatus')),
      }, { role: refs(pick(c, 'roleARN', 'roleArn')) }, { name: str(pick(c, 'name')) ?? item.resourceName });
    }
    case RT.SecurityHub:
      return r(RT.SecurityHub, { enabled: bool(pick(c, 'enabled'), true) });
    case RT.Role:
      return r(RT.Role, {}, {}, { name: str(pick(c, 'roleName')) ?? item.resourceName });
    default:
      return null;
  }
}
