import type { RelationName, Resource, ResourceType } from '../model/resource';
import { resourceModule } from '../resources/registry';
import { parseArn } from '../util/values';

/** The types a relation of a resource may point at, as its type's module declares them. */
function targetsOf(type: ResourceType, rel: RelationName): ResourceType[] {
  return resourceModule(type)?.relations?.[rel]?.to ?? [];
}

interface Index {
  byAddress: Map<string, Resource>;
  byType: Map<string, Resource[]>;
}

function indexContext(resources: readonly Resource[]): Index {
  const byAddress = new Map<string, Resource>();
  const byType = new Map<string, Resource[]>();
  for (const r of resources) {
    if (r.origin.address) byAddress.set(r.origin.address.replace(/\[[^\]]*\]/g, ''), r);
    const list = byType.get(r.type) ?? [];
    list.push(r);
    byType.set(r.type, list);
  }
  return { byAddress, byType };
}

/** Terraform addresses named by `${...}` interpolations: `${aws_x.y.arn}:*` -> `aws_x.y`. */
function referencedAddresses(expr: string): string[] {
  const out: string[] = [];
  for (const m of expr.matchAll(/\$\{([^}]*)\}/g)) {
    const parts = m[1].trim().replace(/\[[^\]]*\]/g, '').split('.');
    let i = 0;
    while (parts[i] === 'module' && parts.length > i + 2) i += 2;
    if (parts[i] === 'data' || parts[i] === 'var' || parts[i] === 'local') continue;
    if (parts.length >= i + 2) out.push(parts.slice(0, i + 2).join('.'));
  }
  return out;
}

/** The name an ARN gives for a resource of a type, for matching against configuration that has no ARN yet. */
function nameFromArn(arn: string, type: ResourceType): string | null {
  const a = parseArn(arn);
  if (!a) return null;
  return resourceModule(type)?.target?.nameFromArn?.(a) ?? null;
}

function sameScope(r: Resource, arn: string): boolean {
  const a = parseArn(arn);
  if (!a) return true;
  if (a.account && r.account && a.account !== r.account) return false;
  if (a.region && r.region && a.region !== r.region) return false;
  return true;
}

function normalizeArn(arn: string): string {
  return arn.replace(/:\*$/, '');
}

function matchOne(ref: string, candidates: readonly Resource[], type: ResourceType): Resource[] {
  if (ref.startsWith('arn:')) {
    const exact = candidates.filter((c) => c.arn && normalizeArn(c.arn) === normalizeArn(ref));
    if (exact.length > 0) return exact;
    const name = nameFromArn(ref, type);
    if (!name) return [];
    return candidates.filter((c) => (c.name === name || c.id === name) && sameScope(c, ref));
  }
  const matches = resourceModule(type)?.target?.matchesRef;
  return candidates.filter((c) => c.name === ref || c.id === ref || matches?.(c, ref) === true);
}

/**
 * Resolve every resource's raw references to resources of the same deployment context, by
 * Terraform address, ARN, or literal name/id. KMS aliases (a type that resolves through a
 * relation) are followed to their key. References
 * that name nothing in the context stay unresolved: rules see the related resource as unknown.
 */
export function resolveRelations(resources: readonly Resource[]): void {
  const byContext = new Map<string, Resource[]>();
  for (const r of resources) byContext.set(r.context, [...(byContext.get(r.context) ?? []), r]);
  for (const list of byContext.values()) {
    const idx = indexContext(list);
    const resolve = (from: Resource, ref: string, rel: RelationName): Resource[] => {
      const types = targetsOf(from.type, rel);
      if (ref.includes('${')) {
        return referencedAddresses(ref)
          .map((a) => idx.byAddress.get(a))
          .filter((r): r is Resource => r !== undefined && types.includes(r.type));
      }
      return types.flatMap((t) => matchOne(ref, idx.byType.get(t) ?? [], t));
    };
    // aliases first, so a trail's kms_key_id of `alias/x` lands on the key itself
    const through = (r: Resource) => resourceModule(r.type)?.target?.resolvesThrough;
    const ordered = [...list].sort((a, b) => Number(through(b) !== undefined) - Number(through(a) !== undefined));
    for (const r of ordered) {
      for (const [rel, refs] of Object.entries(r.refs) as [RelationName, string[]][]) {
        const keys = new Set<string>();
        for (const ref of refs) {
          for (const t of resolve(r, ref, rel)) {
            const via = through(t);
            if (via) for (const k of t.relations[via] ?? []) keys.add(k);
            else keys.add(t.key);
          }
        }
        r.relations[rel] = [...keys];
      }
    }
  }
}
