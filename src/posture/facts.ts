import type { AccountSubject, ResourceSubject } from '../model/finding';
import type { Context, Gap, RelationName, Resource, ResourceModel } from '../model/resource';
import { RESOURCES, isSubjectType, resourceModule } from '../resources/registry';

/**
 * The facts rules read. A resource fact is the resource's identity and properties at the top
 * level plus `related` resources; an account fact collects what account-wide controls look at.
 * `errors` maps a selector prefix (`$.isLogging`, `$.trails`) to why it could not be read, so an
 * unknown value there is an `error` result, not a `manual` one.
 */
export interface Fact {
  value: Record<string, unknown>;
  errors: Record<string, string>;
  /** The resources an account fact was built from (their unresolved expressions explain a manual). */
  sources?: Resource[];
}

/** Incoming relations worth naming on the target, from each target type's module: (source type, relation) -> name on the target. */
const REVERSE = RESOURCES.flatMap((m) => (m.target?.incoming ?? []).map((i) => ({ ...i, target: m.type })));

/** A resource a rule may judge (not a part carrying configuration into another). */
export function isSubject(r: Resource): boolean {
  return isSubjectType(r.type);
}

export class FactBuilder {
  private readonly byKey: Map<string, Resource>;
  private readonly incoming = new Map<string, Map<string, Resource[]>>();

  constructor(readonly model: ResourceModel) {
    this.byKey = new Map(model.resources.map((r) => [r.key, r]));
    for (const r of model.resources) {
      for (const rev of REVERSE) {
        if (r.type !== rev.from) continue;
        for (const k of r.relations[rev.relation] ?? []) {
          const m = this.incoming.get(k) ?? new Map<string, Resource[]>();
          m.set(rev.as, [...(m.get(rev.as) ?? []), r]);
          this.incoming.set(k, m);
        }
      }
    }
  }

  resource(key: string): Resource | undefined {
    return this.byKey.get(key);
  }

  /** Identity and properties, without relations: what a related resource looks like inside a fact. */
  flat(r: Resource): Record<string, unknown> {
    return {
      type: r.type,
      id: r.id,
      name: r.name,
      arn: r.arn,
      account: r.account,
      region: r.region,
      stack: r.stack,
      address: r.origin.address ?? null,
      ...r.properties,
    };
  }

  resourceFact(r: Resource): Fact {
    const related: Record<string, unknown> = {};
    const errors: Record<string, string> = {};
    for (const [rel, refs] of Object.entries(r.refs) as [RelationName, string[]][]) {
      const targets = (r.relations[rel] ?? []).map((k) => this.byKey.get(k)).filter((x): x is Resource => !!x);
      const single = resourceModule(r.type)?.relations?.[rel]?.many !== true;
      if (targets.length === 0) {
        // a reference that names nothing we read is unknown; no reference at all is known absence
        related[rel] = refs.length > 0 ? undefined : single ? null : [];
      } else {
        related[rel] = single ? this.flat(targets[0]) : targets.map((t) => this.flat(t));
      }
      for (const t of targets) for (const [p, why] of Object.entries(t.errors ?? {})) errors[`$.related.${rel}.${p}`] = why;
    }
    for (const [as, list] of this.incoming.get(r.key) ?? []) related[as] = list.map((x) => this.flat(x));
    const target = resourceModule(r.type)?.target;
    // listed even when nothing points here: no flow logs is a known absence
    for (const inc of target?.incoming ?? []) if (related[inc.as] === undefined) related[inc.as] = [];
    for (const [p, why] of Object.entries(r.errors ?? {})) errors[`$.${p}`] = why;
    for (const g of this.gapsFor(r.context, r.region)) {
      const selector = target?.gapErrors?.[g.resourceType];
      if (selector) errors[selector] = gapText(g);
    }
    return { value: { ...this.flat(r), related }, errors };
  }

  gapsFor(context: string, region: string | null): Gap[] {
    return this.model.gaps.filter((g) => g.context === context && (region === null || g.region === null || g.region === region));
  }

  inContext(context: string, type: string, region?: string | null): Resource[] {
    return this.model.resources.filter((r) => r.context === context && r.type === type && (region == null || r.region === region || r.region === null));
  }

  /**
   * Account-wide facts for a context, or for one region of it. A list the sources could not read
   * is left undefined (unknown) with the reason in `errors`.
   */
  accountFact(ctx: Context, region: string | null): Fact {
    const errors: Record<string, string> = {};
    const sources: Resource[] = [];
    const gaps = this.gapsFor(ctx.key, region);
    const listed = (type: string, name: string, knownWhenAbsent: boolean, regional: boolean): Record<string, unknown>[] | undefined => {
      const gap = gaps.find((g) => g.resourceType === type);
      const resources = this.inContext(ctx.key, type, regional ? region : null);
      sources.push(...resources);
      for (const r of resources) for (const [p, why] of Object.entries(r.errors ?? {})) errors[`$.${name}.${p}`] = why;
      const items = resources.map((r) => this.resourceFact(r).value);
      if (gap) {
        errors[`$.${name}`] = gapText(gap);
        return items.length > 0 ? items : undefined;
      }
      if (items.length === 0 && !knownWhenAbsent) return undefined;
      return items;
    };
    // Terraform states intent: what the stack does not declare does not exist. Config and live
    // only know what was recorded or listed (each type's module says which).
    // A Config snapshot without trail items may just not record AWS::CloudTrail::Trail.
    const lists: Record<string, unknown> = {};
    for (const m of RESOURCES) {
      if (m.account) lists[m.account.as] = listed(m.type, m.account.as, m.account.knownWhenAbsent(ctx.kind), m.account.regional);
    }
    return {
      value: {
        account: ctx.account,
        region,
        stack: ctx.stack,
        regions: ctx.regions,
        ...lists,
      },
      errors,
      sources,
    };
  }
}

function gapText(g: Gap): string {
  return `${g.action} failed in ${g.region ?? 'every region'}: ${g.reason}`;
}

export function resourceSubject(r: Resource): ResourceSubject {
  const s: ResourceSubject = {
    kind: 'resource',
    resourceType: r.type,
    resourceId: r.id,
    resourceName: r.name,
    arn: r.arn,
    account: r.account,
    region: r.region,
    stack: r.stack,
    source: r.origin.source,
  };
  if (r.origin.address) s.address = r.origin.address;
  if (r.origin.constructPath) s.constructPath = r.origin.constructPath;
  return s;
}

export function accountSubject(ctx: Context, region: string | null): AccountSubject {
  return { kind: 'account', account: ctx.account, region, stack: ctx.stack, source: ctx.source };
}
