import type { Finding } from '../model/finding';
import type { Rule } from '../model/rule';
import { type Severity, isSeverity, severityRank } from '../model/severity';

export type FailOn = Severity | 'none';

/** `--fail-on` as typed: `High` and `HIGH` mean `high`. */
export function parseFailOn(s: string): FailOn | undefined {
  const v = s.trim().toLowerCase();
  return v === 'none' || isSeverity(v) ? v : undefined;
}

/**
 * Whether a finding breaks the build: failing (not muted) at or above the threshold; with
 * `newOnly`, only one a baseline does not already know, so a pull request is judged on what it
 * changes.
 */
export function isBlocking(f: Finding, failOn: FailOn, newOnly = false): boolean {
  return failOn !== 'none' && f.status === 'fail' && severityRank(f.severity) >= severityRank(failOn) && (!newOnly || f.baseline !== 'unchanged');
}

/** The findings that break the build (see isBlocking). */
export function blockingFindings(findings: Iterable<Finding>, failOn: FailOn, newOnly = false): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) if (isBlocking(f, failOn, newOnly)) out.push(f);
  return out;
}

/** The rules whose findings are monitoring chains (check.kind "monitoring-chain"): data, not ids. */
export function chainRuleIds(rules: readonly Pick<Rule, 'id' | 'check'>[]): Set<string> {
  return new Set(rules.filter((r) => r.check?.kind === 'monitoring-chain').map((r) => r.id));
}

/** A failing (not muted) monitoring chain, new against the baseline when `newOnly`. */
export function isBrokenChain(f: Finding, chainRules: ReadonlySet<string>, newOnly = false): boolean {
  if (chainRules.size === 0 || f.status !== 'fail' || (newOnly && f.baseline === 'unchanged')) return false;
  const slash = f.ruleId.indexOf('/');
  return chainRules.has(slash < 0 ? f.ruleId : f.ruleId.slice(0, slash));
}
