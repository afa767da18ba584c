import { type ConditionNode, conditionLeaves } from '../model/condition';

/** The selectors a rule reads, deduplicated in first-seen order: they become the evidence. */
export function conditionPaths(cond: ConditionNode): string[] {
  const seen = new Set<string>();
  for (const l of conditionLeaves(cond)) if (l.path) seen.add(l.path);
  return [...seen];
}
