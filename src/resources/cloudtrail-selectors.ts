import { type Obj, asArray, bool, isObj, pick, str, strings } from '../util/values';
import { blocks } from './mapping';

/**
 * A trail's event selectors in one shape whatever the source: Terraform's snake_case blocks and
 * Config's / the API's camel or Pascal case lists read the same, and the coverage derived from
 * them (management events, S3 data events) is what the trail rules judge.
 */

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

export function terraformSelectors(v: Obj): unknown {
  return blocks(v.event_selector).map((s) => ({
    readWriteType: str(s.read_write_type) ?? 'All',
    includeManagementEvents: bool(s.include_management_events, true),
    excludeManagementEventSources: strings(s.exclude_management_event_sources),
    dataResources: blocks(s.data_resource).map((d) => ({ type: str(d.type), values: strings(d.values) })),
  }));
}

export function terraformAdvancedSelectors(v: Obj): unknown {
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

export function recordedSelectors(v: unknown): unknown {
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

export function recordedAdvancedSelectors(v: unknown): unknown {
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

