import type { ConfigItem, MappedResource } from '../model/resource';
import { type Obj, isObj, maybeJson, str } from '../util/values';
import { resourceModule } from '../resources/registry';

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

/** Map one configuration item onto the model through its type's module; null for types no posture rule reads. */
export function mapConfigItem(item: ConfigItem): MappedResource | null {
  return resourceModule(item.resourceType)?.config?.map(item) ?? null;
}
