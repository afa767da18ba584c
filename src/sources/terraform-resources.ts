import { RT, type RelationName, type ResourceType } from '../model/resource';
import { type Obj, asArray, bool, isObj, num, setOrNull, strOrNull, str, strings } from '../util/values';

/** A Terraform resource mapped onto the model, before it gets its place (context, origin). */
export interface MappedResource {
  type: ResourceType;
  /** Literal identifier when the configuration gives one; the caller falls back to the address. */
  id: string | null;
  name: string | null;
  arn: string | null;
  properties: Record<string, unknown>;
  refs: Partial<Record<RelationName, string[]>>;
}

function refList(...vals: unknown[]): string[] {
  return vals.flatMap((v) => strings(v)).filter((s) => s.length > 0);
}

/** Nested blocks: cdktf writes them as a list, hand-written JSON often as a single object. */
function blocks(v: unknown): Obj[] {
  return asArray(v).filter(isObj);
}

function eventSelectors(v: Obj): unknown {
  const sel = blocks(v.event_selector);
  return sel.map((s) => ({
    readWriteType: str(s.read_write_type) ?? 'All',
    includeManagementEvents: bool(s.include_management_events, true),
    excludeManagementEventSources: strings(s.exclude_management_event_sources),
    dataResources: blocks(s.data_resource).map((d) => ({ type: str(d.type), values: strings(d.values) })),
  }));
}

function advancedEventSelectors(v: Obj): unknown {
  return blocks(v.advanced_event_selector).map((s) => ({
    name: str(s.name),
    fieldSelectors: blocks(s.field_selector).map((f) => ({
      field: str(f.field),
      equals: strings(f.equals),
      notEquals: strings(f.not_equals),
      startsWith: strings(f.starts_with),
      notStartsWith: strings(f.not_starts_with),
      endsWith: strings(f.ends_with),
      notEndsWith: strings(f.not_ends_with),
    })),
  }));
}

/** Terraform's documented defaults apply when an argument is absent; an expression stays unknown. */
export function mapTerraformResource(tfType: string, v: Obj): MappedResource | null {
  switch (tfType) {
    case 'aws_cloudtrail':
      return {
        type: RT.Trail,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: {
          isMultiRegion: bool(v.is_multi_region_trail, false),
          isLogging: bool(v.enable_logging, true),
          logFileValidation: bool(v.enable_log_file_validation, false),
          kmsKeyId: setOrNull(v.kms_key_id),
          s3BucketName: setOrNull(v.s3_bucket_name),
          cloudWatchLogsLogGroupArn: setOrNull(v.cloud_watch_logs_group_arn),
          includeGlobalServiceEvents: bool(v.include_global_service_events, true),
          isOrganizationTrail: bool(v.is_organization_trail, false),
          eventSelectors: v.event_selector === undefined && v.advanced_event_selector === undefined ? [] : eventSelectors(v),
          advancedEventSelectors: advancedEventSelectors(v),
          // Terraform only expresses intent; whether the trail logs is decided by enable_logging.
          statusSource: 'configuration',
        },
        refs: {
          bucket: refList(v.s3_bucket_name),
          kmsKey: refList(v.kms_key_id),
          logGroup: refList(v.cloud_watch_logs_group_arn),
          role: refList(v.cloud_watch_logs_role_arn),
        },
      };
    case 'aws_cloudwatch_log_group': {
      const retention = num(v.retention_in_days, 0);
      return {
        type: RT.LogGroup,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: { retentionInDays: retention === 0 ? null : retention, kmsKeyId: setOrNull(v.kms_key_id) },
        refs: { kmsKey: refList(v.kms_key_id) },
      };
    }
    case 'aws_cloudwatch_log_metric_filter': {
      const mt = blocks(v.metric_transformation)[0] ?? {};
      return {
        type: RT.MetricFilter,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: {
          pattern: typeof v.pattern === 'string' ? v.pattern : v.pattern === undefined ? '' : undefined,
          logGroupName: setOrNull(v.log_group_name),
          metricName: strOrNull(mt.name),
          metricNamespace: strOrNull(mt.namespace),
          metricValue: strOrNull(mt.value),
        },
        refs: { logGroup: refList(v.log_group_name) },
      };
    }
    case 'aws_cloudwatch_metric_alarm':
      return {
        type: RT.Alarm,
        id: str(v.alarm_name),
        name: str(v.alarm_name),
        arn: null,
        properties: {
          actionsEnabled: bool(v.actions_enabled, true),
          alarmActions: strings(v.alarm_actions),
          metricName: strOrNull(v.metric_name),
          namespace: strOrNull(v.namespace),
          statistic: strOrNull(v.statistic),
          period: num(v.period, null),
          threshold: num(v.threshold, null),
          evaluationPeriods: num(v.evaluation_periods, null),
          comparisonOperator: strOrNull(v.comparison_operator),
        },
        refs: { topics: refList(v.alarm_actions) },
      };
    case 'aws_sns_topic':
      return {
        type: RT.Topic,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: { kmsMasterKeyId: setOrNull(v.kms_master_key_id) },
        refs: { kmsKey: refList(v.kms_master_key_id) },
      };
    case 'aws_sns_topic_subscription':
      return {
        type: RT.Subscription,
        id: null,
        name: null,
        arn: null,
        properties: { protocol: strOrNull(v.protocol), endpoint: strOrNull(v.endpoint), topicArn: setOrNull(v.topic_arn), pendingConfirmation: false },
        refs: { topic: refList(v.topic_arn) },
      };
    case 'aws_s3_bucket': {
      const logging = blocks(v.logging)[0];
      const versioning = blocks(v.versioning)[0];
      return {
        type: RT.Bucket,
        id: str(v.bucket),
        name: str(v.bucket),
        arn: null,
        properties: {
          // Legacy inline arguments; the split resources below override them when present.
          loggingTargetBucket: logging ? setOrNull(logging.target_bucket) : null,
          // An expression (`enabled = var.versioning`) is unknown, not Suspended.
          versioningStatus: versioning ? legacyVersioning(bool(versioning.enabled, false)) : null,
          policy: v.policy === undefined ? null : v.policy,
          publicAccessBlock: null,
        },
        refs: { loggingTarget: logging ? refList(logging.target_bucket) : [] },
      };
    }
    case 'aws_s3_bucket_logging':
      return bucketPart({ part: 'logging', loggingTargetBucket: setOrNull(v.target_bucket) }, v, { loggingTarget: refList(v.target_bucket) });
    case 'aws_s3_bucket_versioning': {
      const vc = blocks(v.versioning_configuration)[0] ?? {};
      return bucketPart({ part: 'versioning', versioningStatus: strOrNull(vc.status), mfaDelete: strOrNull(vc.mfa_delete) }, v);
    }
    case 'aws_s3_bucket_policy':
      return bucketPart({ part: 'policy', policy: v.policy }, v);
    case 'aws_s3_bucket_public_access_block':
      return bucketPart({ part: 'publicAccessBlock', publicAccessBlock: publicAccessFlags(v) }, v);
    case 'aws_s3_account_public_access_block':
      return {
        type: RT.AccountPublicAccessBlock,
        id: 'account',
        name: null,
        arn: null,
        properties: { publicAccessBlock: publicAccessFlags(v) },
        refs: {},
      };
    case 'aws_kms_key':
      return {
        type: RT.Key,
        id: null,
        name: str(v.description),
        arn: null,
        properties: {
          keyManager: 'CUSTOMER',
          keySpec: str(v.customer_master_key_spec) ?? str(v.key_spec) ?? 'SYMMETRIC_DEFAULT',
          keyUsage: str(v.key_usage) ?? 'ENCRYPT_DECRYPT',
          enabled: bool(v.is_enabled, true),
          rotationEnabled: bool(v.enable_key_rotation, false),
        },
        refs: {},
      };
    case 'aws_kms_alias':
      return { type: RT.KeyAlias, id: str(v.name), name: str(v.name), arn: null, properties: {}, refs: { key: refList(v.target_key_id) } };
    case 'aws_vpc':
    case 'aws_default_vpc':
      return { type: RT.Vpc, id: null, name: null, arn: null, properties: { isDefault: tfType === 'aws_default_vpc' }, refs: {} };
    case 'aws_flow_log':
      return {
        type: RT.FlowLog,
        id: null,
        name: null,
        arn: null,
        properties: { trafficType: strOrNull(v.traffic_type), logDestinationType: str(v.log_destination_type) ?? 'cloud-watch-logs', status: 'ACTIVE' },
        refs: { vpc: refList(v.vpc_id) },
      };
    case 'aws_config_configuration_recorder': {
      const rg = blocks(v.recording_group)[0];
      const strategy = rg ? str(blocks(rg.recording_strategy)[0]?.use_only) : null;
      return {
        type: RT.Recorder,
        id: str(v.name) ?? 'default',
        name: str(v.name) ?? 'default',
        arn: null,
        properties: {
          allSupported: rg ? bool(rg.all_supported, true) : true,
          includeGlobalResourceTypes: rg ? bool(rg.include_global_resource_types, false) : false,
          recordingStrategy: strategy,
          // A recorder records only once a recorder_status resource enables it; folded in later.
          recording: false,
        },
        refs: { role: refList(v.role_arn) },
      };
    }
    case 'aws_config_configuration_recorder_status':
      return {
        type: RT.RecorderStatus,
        id: str(v.name),
        name: str(v.name),
        arn: null,
        properties: { recording: bool(v.is_enabled) },
        refs: { recorder: refList(v.name) },
      };
    case 'aws_securityhub_account':
      return { type: RT.SecurityHub, id: 'hub', name: null, arn: null, properties: { enabled: true }, refs: {} };
    case 'aws_iam_role':
      return { type: RT.Role, id: str(v.name), name: str(v.name), arn: null, properties: {}, refs: {} };
    default:
      return null;
  }
}

function legacyVersioning(enabled: boolean | null | undefined): string | undefined {
  return enabled === undefined || enabled === null ? undefined : enabled ? 'Enabled' : 'Suspended';
}

function publicAccessFlags(v: Obj): Record<string, boolean | null | undefined> {
  return {
    blockPublicAcls: bool(v.block_public_acls, false),
    ignorePublicAcls: bool(v.ignore_public_acls, false),
    blockPublicPolicy: bool(v.block_public_policy, false),
    restrictPublicBuckets: bool(v.restrict_public_buckets, false),
  };
}

function bucketPart(properties: Record<string, unknown>, v: Obj, extra: Partial<Record<RelationName, string[]>> = {}): MappedResource {
  return { type: RT.BucketPart, id: null, name: null, arn: null, properties, refs: { bucket: refList(v.bucket), ...extra } };
}

/** The IAM JSON an `aws_iam_policy_document` data source renders, so bucket policies can be read. */
export function renderPolicyDocument(v: Obj): Obj {
  return {
    Version: str(v.version) ?? '2012-10-17',
    Statement: blocks(v.statement).map((s) => {
      const st: Obj = { Effect: str(s.effect) ?? 'Allow' };
      if (s.sid) st.Sid = s.sid;
      const principals = blocks(s.principals);
      if (principals.length > 0) {
        if (principals.some((pr) => str(pr.type) === '*')) st.Principal = '*';
        else {
          const p: Obj = {};
          for (const pr of principals) p[str(pr.type) ?? 'AWS'] = strings(pr.identifiers);
          st.Principal = p;
        }
      }
      if (s.actions) st.Action = strings(s.actions);
      if (s.not_actions) st.NotAction = strings(s.not_actions);
      if (s.resources) st.Resource = strings(s.resources);
      const conds = blocks(s.condition);
      if (conds.length > 0) {
        const c: Record<string, Obj> = {};
        for (const cd of conds) {
          const test = str(cd.test) ?? 'StringEquals';
          c[test] = { ...(c[test] ?? {}), [str(cd.variable) ?? '']: strings(cd.values) };
        }
        st.Condition = c;
      }
      return st;
    }),
  };
}
