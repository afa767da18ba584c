import type { ConfigItem, MappedResource, RelationName } from '../model/resource';
import { type Obj, asArray, isObj, strings } from '../util/values';

/** References a Terraform argument makes: `${...}` expressions, ARNs or names; empty strings say nothing. */
export function tfRefs(...vals: unknown[]): string[] {
  return vals.flatMap((v) => strings(v)).filter((s) => s.length > 0);
}

/** References a Config item's fields make, as recorded. */
export function configRefs(...vals: unknown[]): string[] {
  return vals.flatMap((v) => strings(v));
}

/** Nested blocks: cdktf writes them as a list, hand-written JSON often as a single object. */
export function blocks(v: unknown): Obj[] {
  return asArray(v).filter(isObj);
}

/** A Config item's resource as a type's mapping states it; identity from the item unless the mapping says better. */
export function fromItem(
  item: ConfigItem,
  properties: Record<string, unknown>,
  refs: Partial<Record<RelationName, string[]>> = {},
  identity: Partial<Pick<MappedResource, 'name' | 'arn'>> = {},
): MappedResource {
  return { type: item.resourceType, id: item.resourceId, name: item.resourceName, arn: item.arn, properties, refs, ...identity };
}

/** A configuration item for a resource read from a service API rather than from Config. */
export function apiItem(type: string, id: string, region: string | null, arn: string | null, configuration: Obj, account: string | null): ConfigItem {
  return { resourceType: type, resourceId: id, resourceName: null, arn, account, region, status: 'OK', captureTime: null, configuration, supplementary: {} };
}
