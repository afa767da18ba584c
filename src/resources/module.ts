import type { SourceRef } from '../model/finding';
import type { ConfigItem, Gap, MappedResource, RelationName, Resource, ResourceType } from '../model/resource';
import type { Obj } from '../util/values';
import type { LiveCalls } from './live-calls';
import type { RegionClients, Sdk } from './live-clients';

/**
 * Everything trailproof knows about one resource type, in one place: how each source maps it
 * onto the resource model, what the live reader calls for it (and so which IAM actions the
 * read-only policy grants), what it relates to and what is derived for its rules. The generic
 * readers, relations, facts and derivation iterate the registry (registry.ts); adding a type is
 * adding a module there.
 */
export interface ResourceModule {
  type: ResourceType;
  /** One line for people: what the type is and why posture rules read it. */
  description: string;
  /**
   * Carries configuration into another resource (Terraform's split bucket settings, a KMS alias):
   * never the subject of a finding, and not a type a rule may target.
   */
  internal?: boolean;
  terraform?: TerraformMapping;
  config?: ConfigMapping;
  live?: LiveReader;
  /** The relations this type's references point along, and what each may resolve to. */
  relations?: Partial<Record<RelationName, RelationSpec>>;
  /** How references to this type resolve and what its facts show of resources pointing at it. */
  target?: TargetSpec;
  /** Derived properties rules read, computed once relations are resolved. */
  derive?: DeriveSpec;
  /** Its place in account-wide facts (the trails of an account, the recorders of a region). */
  account?: AccountListing;
}

export interface TerraformMapping {
  /** Terraform resource types that map to this type, each with the attribute a `.id` reference stands for. */
  types: Record<string, { idAttribute?: string }>;
  /** Terraform's documented defaults apply when an argument is absent; an expression stays unknown. */
  map(values: Obj, tfType: string): MappedResource;
}

export interface ConfigMapping {
  /** The live scan asks Config for this type (otherwise only snapshot files carry it). */
  queriedLive: boolean;
  map(item: ConfigItem): MappedResource;
}

export interface RelationSpec {
  /** Types a reference along this relation may resolve to. */
  to: ResourceType[];
  /** A list in the fact (an alarm's topics), not one related resource. */
  many?: boolean;
}

export interface TargetSpec {
  /** The name an ARN gives for a resource of this type, to match configuration that has no ARN yet. */
  nameFromArn?(arn: { service: string; resource: string }): string | null;
  /** A literal reference that names this resource in a way other than its name, id or ARN. */
  matchesRef?(r: Resource, ref: string): boolean;
  /** A reference to this type lands on what it relates to along this relation (an alias on its key). */
  resolvesThrough?: RelationName;
  /**
   * Resources pointing here that its fact lists under `as` (a VPC's flow logs), `[]` when none;
   * in the order the fact shows them.
   */
  incoming?: { from: ResourceType; relation: RelationName; as: string }[];
  /** A gap in listing another type, and the fact selector whose value it leaves unknown. */
  gapErrors?: Record<ResourceType, string>;
}

/** What derivation sees of the model: every resource by key and by type. */
export interface ModelView {
  byKey(key: string): Resource | undefined;
  ofType(type: ResourceType): Resource[];
}

export interface DeriveSpec {
  /** A part folds its properties into the resource it points at along this relation (Terraform's split settings). */
  foldAlong?: RelationName;
  fold?(part: Resource, into: Resource): void;
  /** Compute derived properties on the resources of this type (all folds are done by then). */
  properties?(own: Resource[], view: ModelView): void;
}

export interface AccountListing {
  /** Name of the list in the account fact. */
  as: string;
  /** Listed per region of the fact (regional controls) rather than for the whole account. */
  regional: boolean;
  /** Whether an empty list means "none exist" for a context of this kind (Terraform declares everything). */
  knownWhenAbsent(kind: 'terraform' | 'config' | 'live'): boolean;
}

/**
 * When a live reader runs. The live scan reads Config first, then:
 *  - `each-region`: once per region asked for;
 *  - `account`: once, across the regions asked for; it may reach further regions;
 *  - `each-reached-region`: the regions asked for plus those the `account` readers reached;
 *  - `referenced`: the resources earlier readers found referenced (the topics alarms notify).
 */
export type LiveStage = 'each-region' | 'account' | 'each-reached-region' | 'referenced';

export interface LiveReader {
  stage: LiveStage;
  /** Every IAM action `read` may call: the read-only policy is generated from these. */
  actions: string[];
  read(ctx: LiveContext, region: string): Promise<LiveFinish | void>;
  /** Whether an item of this type says which account the scan runs in (an organization trail does not). */
  votesForAccount?(item: ConfigItem): boolean;
}

/** What an `account` reader completes once the scanning account is known. */
export interface LiveFinish {
  /** Items that name the account when nothing else read does. */
  accountVotes: ConfigItem[];
  finish(account: string | null): void;
}

export interface LiveItem {
  item: ConfigItem;
  source: SourceRef;
  /** Only these properties come from this read (the rest are left to Config). */
  onlyProps?: string[];
  errors?: Record<string, string>;
}

/** What a live reader gets: the SDK, the counted calls, clients per region and the scan's state. */
export interface LiveContext {
  readonly m: Sdk;
  readonly calls: LiveCalls;
  /** The regions asked for. */
  readonly regions: readonly string[];
  clients(region: string): RegionClients;
  push(item: LiveItem): void;
  gap(gap: Omit<Gap, 'context' | 'account'>): void;
  /** The scanning account as far as it is known yet. */
  account(): string | null;
  /** A region this reader's resources live in, which `each-reached-region` readers must read too. */
  reach(region: string): void;
  /** A resource of another type this reader found referenced, for that type's `referenced` reader. */
  refer(type: ResourceType, id: string): void;
  referenced(type: ResourceType): string[];
}

/** Identity check for a module literal, so each module file states its contract once. */
export function defineResource(m: ResourceModule): ResourceModule {
  return m;
}
