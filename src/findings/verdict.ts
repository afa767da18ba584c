import type { Finding, FindingsView } from '../model/finding';
import type { FindingsTally, ReportContext } from '../model/report-writer';
import type { Rule } from '../model/rule';
import { type FailOn, isSeverity, severityRank } from '../model/severity';
import type { Verdict } from '../model/verdict';
import { describeUnread, unreadInputs } from './input-read';

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
function chainRuleIds(rules: readonly Pick<Rule, 'id' | 'check'>[]): Set<string> {
  return new Set(rules.filter((r) => r.check?.kind === 'monitoring-chain').map((r) => r.id));
}

/** A failing (not muted) monitoring chain, new against the baseline when `newOnly`. */
export function isBrokenChain(f: Finding, chainRules: ReadonlySet<string>, newOnly = false): boolean {
  if (chainRules.size === 0 || f.status !== 'fail' || (newOnly && f.baseline === 'unchanged')) return false;
  const slash = f.ruleId.indexOf('/');
  return chainRules.has(slash < 0 ? f.ruleId : f.ruleId.slice(0, slash));
}

/** Whether --new-only applies: only with a baseline to tell new findings from known ones. */
export function newOnlyApplies(doc: Pick<FindingsView, 'baseline'>, ctx: Pick<ReportContext, 'newOnly'>): boolean {
  return Boolean(ctx.newOnly && doc.baseline);
}

/** The rules whose failing findings block whatever --fail-on says (none with --allow-broken-chains). */
export function gateChains(ctx: Pick<ReportContext, 'rules' | 'allowBrokenChains'>): Set<string> {
  return ctx.allowBrokenChains ? new Set() : chainRuleIds(ctx.rules);
}

/**
 * What a security reviewer expects a gate to stop, by default: failing findings at or above
 * --fail-on; a broken alarm chain (a CIS monitoring control whose alarm would reach no one),
 * whatever the chain rule's severity (with --new-only, a newly broken one); and a control that
 * lost coverage against the baseline (a deleted rule fails nothing; only coverage shows it).
 * `--fail-on none` stops nothing.
 *
 * `counted`: the blocking findings and the broken chains among them, as one pass counted them
 * under the same failOn, newOnly and chains (reports/tally.ts, the one place that counts them).
 */
export function verdictOf(
  doc: Pick<FindingsView, 'baseline' | 'inputs' | 'summary'>,
  ctx: ReportContext,
  counted: Pick<FindingsTally, 'blocking' | 'brokenChains'>,
): Verdict {
  const failOn = ctx.failOn ?? 'low';
  const newOnly = newOnlyApplies(doc, ctx);
  const { blocking, brokenChains } = counted;
  const coverageLost = failOn === 'none' || ctx.allowCoverageLoss ? 0 : (ctx.coverageLost ?? []).length;
  const scope = newOnly ? 'new failing finding(s)' : 'failing finding(s)';
  const reasons: string[] = [];
  if (blocking - brokenChains > 0) reasons.push(`${blocking - brokenChains} ${scope} at or above ${failOn}`);
  if (brokenChains > 0) reasons.push(`${brokenChains} ${newOnly ? 'newly ' : ''}broken alarm chain(s)`);
  if (coverageLost > 0) reasons.push(`${coverageLost} control(s) lost coverage against the baseline`);
  const unread = unreadInputs(doc, ctx.requested);
  const judged =
    failOn === 'none'
      ? 'PASS: --fail-on none, nothing blocks'
      : reasons.length > 0
        ? `FAIL: ${reasons.join('; ')}`
        : `PASS: no ${scope} at or above ${failOn}`;
  let text = judged;
  if (unread.length > 0) {
    // What was read may still have failed; that is said after, never a PASS before it.
    const rest = reasons.length > 0 && failOn !== 'none' ? `; ${reasons.join('; ')} in what was read` : '';
    text = `NO INPUT: no input could be read from ${describeUnread(unread)}; nothing there was judged${rest}`;
  }
  return { failed: blocking > 0 || coverageLost > 0, noInput: unread.length > 0, unread, blocking, brokenChains, coverageLost, failOn, newOnly, text };
}
