import type { RuleIndexEntry } from '../model/finding';
import type { ControlStatus, CoverageLoss, FrameworkCoverage } from '../model/coverage';
import type { RuleInfo } from './coverage';

/**
 * Controls that lost coverage between two runs: judged by at least one rule before (whatever the
 * result), judged by none now. A change that deletes a rule or breaks the input a rule reads
 * makes a control silently unassessed; a gate must see that, since no finding fails for it. The
 * assessed rules, not the status, decide: a manual control stays "manual" with or without rules.
 */
export function coverageLost(before: readonly FrameworkCoverage[], after: readonly FrameworkCoverage[]): CoverageLoss[] {
  const now = new Map<string, { status: ControlStatus; judged: number }>();
  for (const fw of after) for (const c of fw.controls) now.set(c.ref, { status: c.status, judged: c.assessedRules.length });
  const out: CoverageLoss[] = [];
  for (const fw of before) {
    for (const c of fw.controls) {
      if (c.assessedRules.length === 0) continue;
      const n = now.get(c.ref);
      if (n && n.judged > 0) continue;
      out.push({ ref: c.ref, title: c.title, before: c.status, after: n?.status ?? 'not-covered', rules: c.assessedRules });
    }
  }
  return out;
}

/**
 * The rules to judge a baseline's coverage with: this run's, plus those the baseline's own index
 * (findings.json `rulePack.index`) lists and this run no longer has. Without the second part a
 * deleted rule that left no finding in the baseline (an event rule that matched nothing) would
 * vanish from both sides, and the coverage it gave would be lost unseen.
 */
export function baselineRules(current: readonly RuleInfo[], index: readonly RuleIndexEntry[] | undefined): RuleInfo[] {
  if (!index) return [...current];
  const have = new Set(current.map((r) => r.id));
  return [...current, ...index.filter((e) => !have.has(e.id))];
}
