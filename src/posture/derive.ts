import { RT, type Resource } from '../model/resource';
import { type Obj, asArray, isObj, maybeJson, parseArn, strings } from '../util/values';

type Tri = boolean | undefined;

interface Selector {
  readWriteType?: string;
  includeManagementEvents?: boolean | null;
  excludeManagementEventSources?: string[];
  dataResources?: { type: string | null; values: string[] }[];
}

interface FieldSelector {
  field: string | null;
  equals: string[];
  notEquals: string[];
  startsWith: string[];
  notStartsWith: string[];
  endsWith: string[];
  notEndsWith: string[];
}

interface AdvancedSelector {
  name: string | null;
  fieldSelectors: FieldSelector[];
}

function rw(type: string | undefined): { read: boolean; write: boolean } {
  const t = (type ?? 'All').toLowerCase();
  return { read: t === 'all' || t === 'readonly', write: t === 'all' || t === 'writeonly' };
}

/** `arn:aws:s3` / `arn:aws:s3:::` (any partition) in a data resource means every bucket. */
const ALL_S3 = /^arn:[a-z-]+:s3(:::)?$/;

function readOnlyScope(fs: FieldSelector[]): { read: boolean; write: boolean } {
  const ro = fs.find((f) => f.field === 'readOnly');
  if (!ro) return { read: true, write: true };
  const eq = ro.equals.map((v) => v.toLowerCase());
  const ne = ro.notEquals.map((v) => v.toLowerCase());
  const read = eq.length > 0 ? eq.includes('true') : !ne.includes('true');
  const write = eq.length > 0 ? eq.includes('false') : !ne.includes('false');
  return { read, write };
}

/**
 * What a trail's selectors record, from classic and advanced selectors alike (advanced ones are
 * what peers misread: a selector only counts for "all S3 objects" when nothing but readOnly and
 * an all-buckets ARN prefix narrows it).
 */
export function trailCoverage(props: Obj): { managementEvents: { read: Tri; write: Tri; excludedSources: string[] }; s3DataEvents: { read: Tri; write: Tri } } {
  const es = props.eventSelectors as Selector[] | undefined;
  const aes = props.advancedEventSelectors as AdvancedSelector[] | undefined;
  if (es === undefined && aes === undefined) {
    return { managementEvents: { read: undefined, write: undefined, excludedSources: [] }, s3DataEvents: { read: undefined, write: undefined } };
  }
  const classic = es ?? [];
  const advanced = aes ?? [];
  const mgmt = { read: false, write: false, excludedSources: [] as string[] };
  const s3 = { read: false, write: false };
  if (classic.length === 0 && advanced.length === 0) {
    // AWS default for a trail with no selectors: all management events, no data events
    mgmt.read = true;
    mgmt.write = true;
  }
  for (const s of classic) {
    const scope = rw(s.readWriteType);
    if (s.includeManagementEvents !== false) {
      mgmt.read ||= scope.read;
      mgmt.write ||= scope.write;
      mgmt.excludedSources.push(...(s.excludeManagementEventSources ?? []));
    }
    for (const d of s.dataResources ?? []) {
      if (d.type === 'AWS::S3::Object' && d.values.some((v) => ALL_S3.test(v.replace(/\/$/, '')))) {
        s3.read ||= scope.read;
        s3.write ||= scope.write;
      }
    }
  }
  for (const s of advanced) {
    const fs = s.fieldSelectors;
    const category = fs.find((f) => f.field === 'eventCategory')?.equals ?? [];
    const scope = readOnlyScope(fs);
    if (category.includes('Management')) {
      mgmt.read ||= scope.read;
      mgmt.write ||= scope.write;
      const ex = fs.find((f) => f.field === 'eventSource');
      if (ex) mgmt.excludedSources.push(...ex.notEquals);
    }
    if (category.includes('Data')) {
      const type = fs.find((f) => f.field === 'resources.type')?.equals ?? [];
      const others = fs.filter((f) => !['eventCategory', 'resources.type', 'readOnly', 'resources.ARN'].includes(f.field ?? ''));
      const arn = fs.find((f) => f.field === 'resources.ARN');
      const allBuckets = !arn || (arn.equals.length === 0 && arn.notEquals.length === 0 && arn.startsWith.every((p) => ALL_S3.test(p.replace(/\/$/, ''))) && arn.endsWith.length === 0 && arn.notStartsWith.length === 0 && arn.notEndsWith.length === 0);
      if (type.includes('AWS::S3::Object') && others.length === 0 && allBuckets) {
        s3.read ||= scope.read;
        s3.write ||= scope.write;
      }
    }
  }
  return { managementEvents: mgmt, s3DataEvents: s3 };
}

function statements(policy: unknown): Obj[] {
  const p = maybeJson(policy);
  if (!isObj(p)) return [];
  return asArray(p.Statement).filter(isObj);
}

/**
 * Whether a Deny statement's Resource reaches the bucket's objects: `*`, or `<bucket>/*` (any
 * bucket ARN or reference followed by `/*`, but not a narrower key prefix such as `<bucket>/logs/*`).
 * A deny on the bucket ARN alone leaves GetObject/PutObject over plain HTTP allowed.
 */
function coversObjects(resource: unknown): boolean {
  return strings(resource).some((r) => {
    if (r === '*') return true;
    if (!r.endsWith('/*')) return false;
    const bucket = r.slice(0, -2);
    // a reference (${aws_s3_bucket.x.arn}) or an ARN arn:<partition>:s3:::<name> with no key part
    return /^\$\{[^}]+\}$/.test(bucket) || /^arn:[a-z-]+:s3:::[^/]+$/.test(bucket);
  });
}

/** A bucket policy that denies every request not made over TLS (aws:SecureTransport = false), objects included. */
export function denyInsecureTransport(policy: unknown): Tri {
  if (policy === undefined) return undefined;
  if (policy === null) return false;
  const parsed = maybeJson(policy);
  if (typeof parsed === 'string' && parsed.includes('${')) return undefined;
  return statements(parsed).some((s) => {
    if (s.Effect !== 'Deny') return false;
    const principal = s.Principal;
    const anyone = principal === '*' || (isObj(principal) && strings(principal.AWS).includes('*'));
    const actions = strings(s.Action);
    const all = actions.some((a) => a === '*' || a === 's3:*');
    const cond = isObj(s.Condition) ? s.Condition : {};
    const bool = isObj(cond.Bool) ? cond.Bool : {};
    const secure = strings(bool['aws:SecureTransport']).concat(typeof bool['aws:SecureTransport'] === 'boolean' ? [String(bool['aws:SecureTransport'])] : []);
    return anyone && all && secure.some((v) => v.toLowerCase() === 'false') && coversObjects(s.Resource);
  });
}

function allBlocked(flags: unknown): Tri {
  if (flags === undefined) return undefined;
  if (!isObj(flags)) return false;
  const vals = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'].map((k) => flags[k]);
  if (vals.some((v) => v === undefined)) return undefined;
  return vals.every((v) => v === true);
}

/**
 * Fold Terraform's split resources into the resource they configure, then compute the derived
 * properties rules read (coverage of a trail, TLS-only policy, public access, key kind, topic
 * subscriptions). Runs after relations are resolved.
 */
export function deriveProperties(resources: Resource[]): void {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  for (const part of resources.filter((r) => r.type === RT.BucketPart)) {
    for (const k of part.relations.bucket ?? []) {
      const bucket = byKey.get(k);
      if (!bucket) continue;
      const { part: _kind, ...props } = part.properties;
      Object.assign(bucket.properties, props);
      // The bucket's result is decided by its parts: their unresolved expressions explain it.
      if (part.unresolved) bucket.unresolved = [...(bucket.unresolved ?? []), ...part.unresolved.map((u) => `${part.origin.address ?? part.id}: ${u}`)];
      if (part.relations.loggingTarget) bucket.relations.loggingTarget = part.relations.loggingTarget;
    }
  }
  for (const st of resources.filter((r) => r.type === RT.RecorderStatus)) {
    for (const k of st.relations.recorder ?? []) {
      const rec = byKey.get(k);
      if (rec) rec.properties.recording = st.properties.recording;
    }
  }
  const accountBlocks = new Map<string, Tri>();
  for (const r of resources.filter((x) => x.type === RT.AccountPublicAccessBlock)) {
    accountBlocks.set(r.context, allBlocked(r.properties.publicAccessBlock));
  }
  const subscriptionsByTopic = new Map<string, number>();
  for (const s of resources.filter((r) => r.type === RT.Subscription)) {
    if (s.properties.pendingConfirmation === true) continue;
    for (const t of s.relations.topic ?? []) subscriptionsByTopic.set(t, (subscriptionsByTopic.get(t) ?? 0) + 1);
  }
  const trailBuckets = new Set(resources.filter((r) => r.type === RT.Trail).flatMap((t) => t.relations.bucket ?? []));

  for (const r of resources) {
    const p = r.properties;
    switch (r.type) {
      case RT.Trail: {
        Object.assign(p, trailCoverage(p));
        const a = parseArn(r.arn);
        const ownAccount = r.account;
        p.organizationTrailFrom = p.isOrganizationTrail === true && a && ownAccount && a.account !== ownAccount ? a.account : null;
        break;
      }
      case RT.Bucket: {
        p.loggingEnabled = p.loggingTargetBucket === undefined ? undefined : p.loggingTargetBucket !== null;
        p.versioningEnabled = p.versioningStatus === undefined ? undefined : p.versioningStatus === 'Enabled';
        p.tlsOnly = denyInsecureTransport(p.policy);
        const own = allBlocked(p.publicAccessBlock ?? null);
        const account = accountBlocks.get(r.context);
        p.publicAccessBlocked = own === true || account === true ? true : own === undefined || (account === undefined && r.origin.kind !== 'terraform') ? undefined : false;
        p.isTrailBucket = trailBuckets.has(r.key);
        break;
      }
      case RT.Key:
        p.customerManagedSymmetric =
          typeof p.keyManager !== 'string' ? undefined : p.keyManager === 'CUSTOMER' && p.keySpec === 'SYMMETRIC_DEFAULT' && p.enabled !== false;
        break;
      case RT.Topic: {
        const counted = subscriptionsByTopic.get(r.key);
        if (counted !== undefined) p.confirmedSubscriptions = Math.max(counted, typeof p.confirmedSubscriptions === 'number' ? p.confirmedSubscriptions : 0);
        else if (r.origin.kind === 'terraform') p.confirmedSubscriptions = 0;
        break;
      }
      default:
        break;
    }
  }
}
