import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';

/** A leaf of a json-rules-engine condition tree, in the shape trailproof rules use. */
export interface LeafCondition {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
}

type AnyCondition = TopLevelCondition | NestedCondition;

/** Visit every leaf condition in document order. */
export function walkLeaves(cond: AnyCondition, visit: (leaf: LeafCondition) => void): void {
  const c = cond as Record<string, unknown>;
  if (Array.isArray(c.all)) for (const x of c.all as AnyCondition[]) walkLeaves(x, visit);
  else if (Array.isArray(c.any)) for (const x of c.any as AnyCondition[]) walkLeaves(x, visit);
  else if (c.not && typeof c.not === 'object') walkLeaves(c.not as AnyCondition, visit);
  else if (typeof c.fact === 'string') visit(c as unknown as LeafCondition);
}

/** The selectors a rule reads, deduplicated in first-seen order: they become the evidence. */
export function conditionPaths(cond: TopLevelCondition): string[] {
  const seen = new Set<string>();
  walkLeaves(cond, (l) => {
    if (l.path) seen.add(l.path);
  });
  return [...seen];
}
