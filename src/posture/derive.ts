import type { Resource } from '../model/resource';
import type { ModelView } from '../resources/module';
import { RESOURCES } from '../resources/registry';

/**
 * Fold parts into the resource they configure (Terraform's split bucket settings, a recorder's
 * status), then let each type's module compute the derived properties its rules read (coverage
 * of a trail, TLS-only policy, public access, key kind, topic subscriptions). Runs after
 * relations are resolved.
 */
export function deriveProperties(resources: Resource[]): void {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const byType = new Map<string, Resource[]>();
  for (const r of resources) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
  }
  const view: ModelView = { byKey: (k) => byKey.get(k), ofType: (t) => byType.get(t) ?? [] };
  for (const m of RESOURCES) {
    const { foldAlong, fold } = m.derive ?? {};
    if (!foldAlong || !fold) continue;
    for (const part of view.ofType(m.type)) {
      for (const k of part.relations[foldAlong] ?? []) {
        const into = byKey.get(k);
        if (into) fold(part, into);
      }
    }
  }
  for (const m of RESOURCES) m.derive?.properties?.(view.ofType(m.type), view);
}
