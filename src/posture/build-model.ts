import type { ModelPart, Resource, ResourceModel } from '../model/resource';
import { deriveProperties } from './derive';
import { resolveRelations } from './relations';

/**
 * Later reads of the same resource (the same item in two snapshot files, or a live API filling in
 * what Config did not record) fill what earlier ones left unknown, and override nothing else.
 */
function mergeInto(into: Resource, from: Resource): void {
  for (const [k, v] of Object.entries(from.properties)) {
    if (v !== undefined && (into.properties[k] === undefined || from.origin.kind === 'live')) into.properties[k] = v;
  }
  for (const [k, v] of Object.entries(from.refs)) {
    const rel = k as keyof Resource['refs'];
    into.refs[rel] = [...new Set([...(into.refs[rel] ?? []), ...(v ?? [])])];
  }
  into.name ??= from.name;
  into.arn ??= from.arn;
  into.region ??= from.region;
  if (from.errors) into.errors = { ...(into.errors ?? {}), ...from.errors };
}

export function buildModel(parts: readonly ModelPart[]): ResourceModel {
  const byKey = new Map<string, Resource>();
  const contexts = new Map<string, ResourceModel['contexts'][number]>();
  const gaps: ResourceModel['gaps'] = [];
  for (const part of parts) {
    for (const r of part.resources) {
      const prior = byKey.get(r.key);
      if (prior) mergeInto(prior, r);
      else byKey.set(r.key, { ...r, properties: { ...r.properties }, refs: { ...r.refs }, relations: {} });
    }
    for (const c of part.contexts) {
      const prior = contexts.get(c.key);
      if (prior) prior.regions = [...new Set([...prior.regions, ...c.regions])].sort();
      else contexts.set(c.key, { ...c, regions: [...c.regions] });
    }
    gaps.push(...part.gaps);
  }
  const resources = [...byKey.values()];
  resolveRelations(resources);
  deriveProperties(resources);
  return { resources, contexts: [...contexts.values()], gaps };
}
