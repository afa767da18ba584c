import type { ControlCatalogue } from '../src/model/control';
import type { Finding, FindingsView, SourceRef, Subject } from '../src/model/finding';
import type { Rule } from '../src/model/rule';
import { SEVERITIES, type Severity, severityRank } from '../src/model/severity';
import { SortedSpool } from '../src/scan/spool';
import { describeUnread, type InputGroup, type UnreadInput, unreadInputs } from '../src/scan/input-read';
import type { CoverageLoss } from '../src/findings/coverage-change';
import { type FailOn, chainRuleIds, isBlocking, isBrokenChain } from '../src/findings/verdict';

/** What every report needs besides the findings document. */
export interface ReportContext {
  rules: Rule[];
  catalogues: ControlCatalogue[];
  /** Verdict threshold, as given to --fail-on (default `low`). */
  failOn?: FailOn;
  /** Judge only findings a baseline does not know (--fail-on applied to new findings). */
  newOnly?: boolean;
  /** Paths in SARIF are made relative to this directory (default: the working directory). */
  baseDir?: string;
  /** Controls judged in the baseline run and by no rule now (set when a baseline was given). */
  coverageLost?: CoverageLoss[];
  /** --allow-coverage-loss: coverage lost does not fail the verdict (it is still reported). */
  allowCoverageLoss?: boolean;
  /** --allow-broken-chains: a failing monitoring chain blocks only at --fail-on like any finding. */
  allowBrokenChains?: boolean;
  /** Among countedBlocking, the failing monitoring chains (ReportTally). */
  countedBrokenChains?: number;
  /** Findings a report holds in memory while sorting before it spills to disk (default: 2,000 and at most 1 MiB of their JSON). */
  memoryLimit?: number;
  /** The blocking findings of this document under failOn/newOnly, when a pass already counted them (ReportTally). */
  countedBlocking?: number;
  /** Blob URL of the scanned commit (`https://github.com/o/r/blob/<sha>/`): report.md links paths inside baseDir to it. */
  linkBase?: string;
  /** Called as each report file is begun (progress). */
  onReport?: (file: string, index: number, total: number) => void;
  /** The command as run, for provenance (report.html). */
  commandLine?: string[];
  /** The kinds of input the command was asked to read; one that gave nothing makes the verdict NO INPUT. */
  requested?: InputGroup[];
}

export { SEVERITIES };
export type { Severity };

/** A one-line plain-text name for a subject (escape it for the output it goes into). */
export function subjectLabel(s: Subject): string {
  switch (s.kind) {
    case 'event':
      return `${s.eventName ?? 'event'} by ${s.principal ?? 'unknown principal'}${s.eventTime ? ` at ${s.eventTime}` : ''}`;
    case 'resource':
      return s.address ?? s.arn ?? `${s.resourceType} ${s.resourceId}`;
    case 'account':
      return `account ${s.account ?? 'unknown'}${s.region ? ` (${s.region})` : ''}`;
    case 'log-file':
    case 'digest-file':
      return `${s.kind} ${s.key}`;
  }
}

/** `path:line`, or `path#pointer`, or `path [record N]`: where a person finds the subject. */
export function locationLabel(src: SourceRef): string {
  if (src.line !== undefined) return `${src.path}:${src.line}`;
  if (src.pointer) return `${src.path}#${src.pointer}`;
  if (src.index !== undefined) return `${src.path} [record ${src.index}]`;
  return src.path;
}

/** Worst first, then by rule and id, so every report lists findings in the same order. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId) || a.id.localeCompare(b.id);
}

/** compareFindings as a sort key, so a spool can order findings without parsing them. */
export type FindingKey = [severity: number, ruleId: string, id: string];

export function findingKey(f: Finding): FindingKey {
  return [-severityRank(f.severity), f.ruleId, f.id];
}

export function compareFindingKeys(a: FindingKey, b: FindingKey): number {
  return a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]);
}

/**
 * A spool to put findings in another order without holding them (it spills past the report's
 * memory limit); release() when done (what spilled is removed then, or at exit).
 */
export function findingSpool<K>(keyOf: (f: Finding) => K, compare: (a: K, b: K) => number, ctx: Pick<ReportContext, 'memoryLimit'>): SortedSpool<Finding, K> {
  return new SortedSpool<Finding, K>(keyOf, compare, { limit: ctx.memoryLimit });
}

export interface Verdict {
  /** True when failing findings block; a NO INPUT verdict may block too (see `noInput`). */
  failed: boolean;
  /** Some requested input gave nothing to judge: the run proves nothing there (exit 2), whatever the findings. */
  noInput: boolean;
  unread: UnreadInput[];
  /** How many findings block (counted, not kept: a large scan can have a great many). */
  blocking: number;
  /** Among them, failing monitoring chains, which block whatever their severity. */
  brokenChains: number;
  /** Controls that lost coverage against the baseline, when that blocks. */
  coverageLost: number;
  failOn: FailOn;
  newOnly: boolean;
  /** Plain text, e.g. "FAIL: 3 new failing findings at or above high"; a NO INPUT verdict never says PASS. */
  text: string;
}

/** Whether --new-only applies: only with a baseline to tell new findings from known ones. */
export function newOnlyApplies(doc: Pick<FindingsView, 'baseline'>, ctx: ReportContext): boolean {
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
 * `counted`/`countedChains`: the blocking findings and broken chains among them already counted
 * (ReportTally, the same failOn, newOnly and chains); else they are counted here.
 */
export function verdictOf(
  doc: Pick<FindingsView, 'findings' | 'baseline' | 'inputs' | 'summary'>,
  ctx: ReportContext,
  counted = ctx.countedBlocking,
  countedChains = ctx.countedBrokenChains,
): Verdict {
  const failOn = ctx.failOn ?? 'low';
  const newOnly = newOnlyApplies(doc, ctx);
  let blocking = 0;
  let brokenChains = 0;
  if (counted !== undefined) {
    blocking = failOn === 'none' ? 0 : counted;
    brokenChains = failOn === 'none' ? 0 : (countedChains ?? 0);
  } else if (failOn !== 'none') {
    const chains = gateChains(ctx);
    for (const f of doc.findings) {
      const chain = isBrokenChain(f, chains, newOnly);
      if (chain) brokenChains++;
      if (chain || isBlocking(f, failOn, newOnly)) blocking++;
    }
  }
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

export function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

/** Fields of a subject worth showing, as label/value pairs in display order (values untrusted). */
export function subjectFields(s: Subject): [string, string][] {
  const out: [string, string | null | undefined][] = [];
  switch (s.kind) {
    case 'event':
      out.push(['event', s.eventName], ['source', s.eventSource], ['time', s.eventTime], ['principal', s.principal], ['source IP', s.sourceIp], ['event id', s.eventId]);
      break;
    case 'resource':
      out.push(['type', s.resourceType], ['address', s.address], ['construct', s.constructPath], ['id', s.resourceId], ['name', s.resourceName], ['ARN', s.arn], ['stack', s.stack]);
      break;
    case 'account':
      out.push(['stack', s.stack]);
      break;
    case 'log-file':
    case 'digest-file':
      out.push(['key', s.key]);
      break;
  }
  out.push(['account', s.account], ['region', s.region], ['file', locationLabel(s.source)]);
  return out.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0);
}
