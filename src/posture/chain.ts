import { Engine, type TopLevelCondition } from 'json-rules-engine';
import type { Finding, FindingStatus } from '../model/finding';
import type { Rule } from '../model/rule';
import { findingId } from '../util/finding-id';
import { comparePatterns, type PatternComparison } from '../pattern';
import { resolveSelector } from '../semantics/selector';
import { accountSubject, type FactBuilder } from './facts';
import type { Context, Resource } from '../model/resource';
import { cloudtrailTrail } from '../resources/cloudtrail-trail';
import { cloudwatchAlarm } from '../resources/cloudwatch-alarm';
import { logGroupNameFromArn } from '../resources/logs-log-group';
import { logsMetricFilter } from '../resources/logs-metric-filter';
import { snsSubscription } from '../resources/sns-subscription';
import { parseArn } from '../util/values';

/**
 * The CIS monitoring audit chain (4.1-4.15 of v1.4-v5, 5.x in v6/v7), checked end to end:
 *   multi-region trail, logging, management events read+write
 *   -> its CloudWatch Logs group
 *   -> a metric filter on that group whose pattern means the control's pattern, or more
 *   -> an alarm on that filter's metric name and namespace, actions enabled
 *   -> an SNS topic with at least one confirmed subscription.
 * Every path through the account is tried; the result reports the one that got furthest, with
 * the evidence of each link. The control patterns come from the event rules (a rule is data).
 */

const STAGES = ['trail', 'log-group', 'metric-filter', 'alarm', 'topic', 'complete'] as const;
type Stage = (typeof STAGES)[number];

interface Attempt {
  /** How far the chain got. */
  stage: Stage;
  /** broken: a link is missing or wrong; unknown: the inputs do not say; error: a read failed. */
  outcome: 'complete' | 'broken' | 'unknown' | 'error';
  message: string;
  evidence: Record<string, unknown>;
  /** Among attempts at the metric-filter stage, how close the pattern came (lower is better). */
  missingClauses?: number;
}

export interface ChainSettings {
  /** Event rules whose controls match this regex define the chains (default `^cis-aws@`). */
  eventRuleControl?: string;
  /** Other patterns the benchmark accepts for a control, by event rule id. */
  alternativePatterns?: Record<string, string[]>;
  /** Accept a filter that matches strictly more than the control's pattern (default true). */
  acceptBroader?: boolean;
}

function rank(a: Attempt): number {
  return STAGES.indexOf(a.stage) * 1000 - (a.missingClauses ?? 0);
}

function label(r: Resource): string {
  return r.origin.address ?? r.arn ?? r.name ?? r.id;
}

function trailEvidence(t: Resource): Record<string, unknown> {
  const p = t.properties;
  return {
    trail: label(t),
    isMultiRegion: p.isMultiRegion,
    isLogging: p.isLogging,
    managementEvents: p.managementEvents,
    cloudWatchLogsLogGroupArn: p.cloudWatchLogsLogGroupArn,
    isOrganizationTrail: p.isOrganizationTrail,
  };
}

/** Why a trail cannot start the chain, or what is not known about it. */
function trailProblems(t: Resource): { broken: string[]; unknown: string[] } {
  const p = t.properties;
  const mgmt = (p.managementEvents ?? {}) as { read?: boolean; write?: boolean };
  const checks: [string, unknown, string][] = [
    ['isMultiRegion', p.isMultiRegion, 'not multi-region'],
    ['isLogging', p.isLogging, 'not logging'],
    ['managementEvents.read', p.managementEvents === undefined ? undefined : mgmt.read, 'does not record read management events'],
    ['managementEvents.write', p.managementEvents === undefined ? undefined : mgmt.write, 'does not record write management events'],
  ];
  const broken: string[] = [];
  const unknown: string[] = [];
  for (const [name, v, why] of checks) {
    if (v === undefined) unknown.push(name);
    else if (v !== true) broken.push(why);
  }
  if (p.cloudWatchLogsLogGroupArn === null) broken.push('sends no logs to CloudWatch Logs');
  else if (p.cloudWatchLogsLogGroupArn === undefined) unknown.push('cloudWatchLogsLogGroupArn');
  return { broken, unknown };
}

function logGroupName(t: Resource, fb: FactBuilder): { name: string | null; region: string | null; account: string | null; resource?: Resource } {
  const target = (t.relations.logGroup ?? []).map((k) => fb.resource(k)).find((r) => r !== undefined);
  const arn = typeof t.properties.cloudWatchLogsLogGroupArn === 'string' ? t.properties.cloudWatchLogsLogGroupArn : null;
  const a = arn && !arn.includes('${') ? parseArn(arn) : null;
  const fromArn = a ? logGroupNameFromArn(a) : null;
  return {
    name: target?.name ?? fromArn,
    region: target?.region ?? a?.region ?? t.region,
    account: a?.account ?? target?.account ?? null,
    resource: target,
  };
}

const comparisons = new Map<string, { comparison?: PatternComparison; error?: string }>();

/** Each (filter pattern, control pattern) pair is parsed and compared once per process. */
function compare(actual: unknown, expected: string): { comparison?: PatternComparison; error?: string } {
  if (typeof actual !== 'string') return { error: 'the filter pattern is not known from the inputs' };
  const key = `${actual}\u0000${expected}`;
  let r = comparisons.get(key);
  if (!r) {
    try {
      r = { comparison: comparePatterns(actual, expected) };
    } catch (e) {
      r = { error: `the filter pattern does not parse: ${(e as Error).message}` };
    }
    if (comparisons.size > 10_000) comparisons.clear();
    comparisons.set(key, r);
  }
  return r;
}

const MAX_NAMED = 12;

/**
 * The control pattern's clauses the filter does not count, each as the events it leaves out (as
 * `pattern compare` prints them); where the filter's nearest clause shares conditions with it,
 * also what that clause requires beyond it, the reason the events fall through.
 */
function missingText(c: PatternComparison): string {
  const named = c.missing.slice(0, MAX_NAMED).map((m) => {
    const closestAtoms = m.closest ? m.closest.split(' && ').length : 0;
    const partial = m.unmet !== undefined && m.unmet.length > 0 && m.unmet.length < closestAtoms;
    return partial ? `${m.clause} (the filter's closest clause also requires ${m.unmet!.join(' && ')})` : m.clause;
  });
  const more = c.missing.length > MAX_NAMED ? `; and ${c.missing.length - MAX_NAMED} more (evidence.missingClauses)` : '';
  const n = c.missing.length;
  const count = c.clauses ? `${n} of the control pattern's ${c.clauses.expected} clauses` : `${n} clause${n === 1 ? '' : 's'} of the control pattern`;
  return `${count}, so it does not count: ${named.join('; ')}${more}`;
}

function gapFor(fb: FactBuilder, ctx: Context, region: string | null, type: string): string | undefined {
  const g = fb.gapsFor(ctx.key, region).find((x) => x.resourceType === type);
  return g ? `${g.action} failed in ${g.region ?? 'every region'}: ${g.reason}` : undefined;
}

/**
 * A filter shares something with the control's pattern when it counts some of the control's
 * events (it covers one of the pattern's clauses) or, for some clause it misses, its closest
 * clause is not wholly foreign; otherwise it is another control's filter and naming it as "the
 * filter that misses a clause" would mislead.
 */
function related(c: PatternComparison): boolean {
  if (c.clauses && c.missing.length < c.clauses.expected) return true;
  // Shared exclusions (`$.eventName != "HeadBucket"`) hold for nearly every event: only a shared
  // positive condition makes two clauses about the same events.
  return c.missing.some((m) => {
    if (m.closest === undefined) return false;
    const unmet = new Set(m.unmet ?? []);
    return m.closest.split(' && ').some((atom) => !unmet.has(atom) && !/ != |NOT EXISTS$/.test(atom));
  });
}

function filtersElsewhere(fb: FactBuilder, ctx: Context, expected: string, groupName: string): string[] {
  return fb
    .inContext(ctx.key, logsMetricFilter.type)
    .filter((f) => f.properties.logGroupName !== groupName)
    .filter((f) => {
      const c = compare(f.properties.pattern, expected).comparison;
      return c !== undefined && (c.relation === 'equivalent' || c.relation === 'broader');
    })
    .map((f) => `${label(f)} on log group ${String(f.properties.logGroupName)}`);
}

/**
 * Patterns the benchmark itself accepts besides the rule's own, by event rule id (chain rule
 * `check.alternativePatterns`): CIS 4.2's SSO-friendly form, which Security Hub requires, is
 * narrower than the plain form and must not fail the control.
 */
function acceptedVariant(actual: string, eventRuleId: string, settings: ChainSettings): { pattern: string; relation: string } | undefined {
  for (const alt of settings.alternativePatterns?.[eventRuleId] ?? []) {
    const c = compare(actual, alt).comparison;
    if (c && (c.relation === 'equivalent' || (c.relation === 'broader' && settings.acceptBroader !== false))) return { pattern: alt, relation: c.relation };
  }
  return undefined;
}

/** Try every path from one trail; return each attempt. */
function fromTrail(fb: FactBuilder, ctx: Context, t: Resource, rule: Rule, settings: ChainSettings): Attempt[] {
  const expected = rule.cloudwatch!.filterPattern;
  const ev: Record<string, unknown> = { expectedPattern: expected, ...trailEvidence(t) };
  const lg = logGroupName(t, fb);
  ev.logGroup = lg.name;
  if (!lg.name) {
    return [{ stage: 'log-group', outcome: 'unknown', message: `trail ${label(t)} delivers to a log group that is not in the inputs (${String(t.properties.cloudWatchLogsLogGroupArn)})`, evidence: ev }];
  }
  if (lg.account && ctx.account && lg.account !== ctx.account) {
    return [{ stage: 'log-group', outcome: 'unknown', message: `trail ${label(t)} delivers to log group ${lg.name} in account ${lg.account}; scan that account for the filters and alarms`, evidence: ev }];
  }
  const filters = fb
    .inContext(ctx.key, logsMetricFilter.type)
    .filter((f) => (lg.resource && (f.relations.logGroup ?? []).includes(lg.resource.key)) || (f.properties.logGroupName === lg.name && (!lg.region || !f.region || f.region === lg.region)));
  const filterGap = gapFor(fb, ctx, lg.region, logsMetricFilter.type);
  if (filters.length === 0) {
    if (filterGap) return [{ stage: 'metric-filter', outcome: 'error', message: `metric filters of log group ${lg.name} could not be read: ${filterGap}`, evidence: ev }];
    const elsewhere = filtersElsewhere(fb, ctx, expected, lg.name);
    const hint = elsewhere.length > 0 ? `; a matching filter exists on another log group, which this trail does not deliver to: ${elsewhere.join(', ')}` : '';
    return [{ stage: 'metric-filter', outcome: 'broken', message: `no metric filter on log group ${lg.name} (trail ${label(t)})${hint}`, evidence: { ...ev, filtersElsewhere: elsewhere } }];
  }
  const attempts: Attempt[] = [];
  let unrelated = 0;
  for (const f of filters) {
    const fev: Record<string, unknown> = {
      ...ev,
      metricFilter: label(f),
      filterPattern: f.properties.pattern,
      metricName: f.properties.metricName,
      metricNamespace: f.properties.metricNamespace,
    };
    const cmp = compare(f.properties.pattern, expected);
    if (!cmp.comparison) {
      attempts.push({ stage: 'metric-filter', outcome: f.properties.pattern === undefined ? 'unknown' : 'broken', message: `metric filter ${label(f)}: ${cmp.error}`, evidence: fev, missingClauses: 50 });
      continue;
    }
    const c = cmp.comparison;
    fev.patternRelation = c.relation;
    fev.normalizedPattern = c.actual.normal;
    const accepted = c.relation === 'equivalent' || (c.relation === 'broader' && settings.acceptBroader !== false);
    const variant = accepted ? undefined : acceptedVariant(f.properties.pattern as string, rule.id, settings);
    if (variant) {
      fev.acceptedVariant = variant.pattern;
      fev.variantRelation = variant.relation;
      attempts.push(...fromFilter(fb, ctx, f, lg.region, fev, `${variant.relation} to an accepted variant of the control pattern (${variant.pattern})`));
      continue;
    }
    if (!accepted) {
      if (c.relation !== 'broader' && !related(c)) {
        unrelated++;
        continue;
      }
      fev.missingClauses = c.missing;
      fev.extraClauses = c.extra;
      const what = c.relation === 'broader' ? 'matches more than the control pattern and broader filters are not accepted' : `misses ${missingText(c)}`;
      attempts.push({ stage: 'metric-filter', outcome: 'broken', message: `metric filter ${label(f)} on ${lg.name} ${what}`, evidence: fev, missingClauses: c.missing.length });
      continue;
    }
    if (c.relation === 'broader') fev.extraClauses = c.extra;
    const patternNote = c.relation === 'broader' ? `broader than the control pattern (also counts ${c.extra.map((x) => x.clause).join('; ')})` : 'equivalent to the control pattern';
    attempts.push(...fromFilter(fb, ctx, f, lg.region, fev, patternNote));
  }
  if (attempts.length === 0) {
    const elsewhere = filtersElsewhere(fb, ctx, expected, lg.name);
    const hint = elsewhere.length > 0 ? `; a matching filter exists on another log group, which this trail does not deliver to: ${elsewhere.join(', ')}` : '';
    attempts.push({
      stage: 'metric-filter',
      outcome: 'broken',
      message: `no metric filter on log group ${lg.name} matches the control pattern (${unrelated} filter${unrelated === 1 ? '' : 's'} there count other events)${hint}`,
      evidence: { ...ev, filtersElsewhere: elsewhere },
    });
  }
  return attempts;
}

function fromFilter(fb: FactBuilder, ctx: Context, f: Resource, region: string | null, ev: Record<string, unknown>, patternNote: string): Attempt[] {
  const name = f.properties.metricName;
  const ns = f.properties.metricNamespace;
  const all = fb.inContext(ctx.key, cloudwatchAlarm.type).filter((a) => !region || !a.region || a.region === region);
  const alarms = all.filter((a) => a.properties.metricName === name && a.properties.namespace === ns);
  const head = `metric filter ${label(f)} is ${patternNote}`;
  if (alarms.length === 0) {
    const gap = gapFor(fb, ctx, region, cloudwatchAlarm.type);
    if (gap) return [{ stage: 'alarm', outcome: 'error', message: `${head}; alarms could not be read: ${gap}`, evidence: ev }];
    const near = all
      .filter((a) => a.properties.metricName === name || a.properties.namespace === ns)
      .map((a) => `${label(a)} watches ${String(a.properties.namespace)}/${String(a.properties.metricName)}`);
    const hint = near.length > 0 ? ` (${near.join('; ')})` : '';
    return [{ stage: 'alarm', outcome: 'broken', message: `${head}, but no alarm watches metric ${String(ns)}/${String(name)}${hint}`, evidence: { ...ev, nearAlarms: near } }];
  }
  const out: Attempt[] = [];
  for (const a of alarms) {
    const aev: Record<string, unknown> = { ...ev, alarm: label(a), actionsEnabled: a.properties.actionsEnabled, alarmActions: a.properties.alarmActions };
    if (a.properties.actionsEnabled !== true) {
      out.push({
        stage: 'alarm',
        outcome: a.properties.actionsEnabled === undefined ? 'unknown' : 'broken',
        message: `${head}; alarm ${label(a)} has its actions disabled`,
        evidence: aev,
      });
      continue;
    }
    const refs = (a.refs.topics ?? []).filter((x) => x.includes('${') || parseArn(x)?.service === 'sns');
    const topics = (a.relations.topics ?? []).map((k) => fb.resource(k)).filter((x): x is Resource => !!x);
    if (refs.length === 0 && topics.length === 0) {
      out.push({ stage: 'topic', outcome: 'broken', message: `${head}; alarm ${label(a)} notifies no SNS topic`, evidence: aev });
      continue;
    }
    if (topics.length === 0) {
      out.push({ stage: 'topic', outcome: 'unknown', message: `${head}; alarm ${label(a)} notifies ${refs.join(', ')}, which is not in the inputs`, evidence: aev });
      continue;
    }
    for (const t of topics) {
      const subs = t.properties.confirmedSubscriptions;
      const tev = { ...aev, topic: label(t), confirmedSubscriptions: subs };
      if (typeof subs === 'number' && subs > 0) {
        out.push({ stage: 'complete', outcome: 'complete', message: `trail ${String(ev.trail)} -> log group ${String(ev.logGroup)} -> ${head} -> alarm ${label(a)} -> topic ${label(t)} (${subs} subscription${subs === 1 ? '' : 's'})`, evidence: tev });
      } else if (subs === undefined) {
        const gap = gapFor(fb, ctx, t.region, snsSubscription.type) ?? t.errors?.confirmedSubscriptions;
        out.push({
          stage: 'topic',
          outcome: gap ? 'error' : 'unknown',
          message: `${head}; alarm ${label(a)} -> topic ${label(t)}: subscriptions ${gap ? `could not be read: ${gap}` : 'are not known from the inputs (AWS Config does not record them; use --live)'}`,
          evidence: tev,
        });
      } else {
        out.push({ stage: 'topic', outcome: 'broken', message: `${head}; alarm ${label(a)} -> topic ${label(t)} has no confirmed subscription`, evidence: tev });
      }
    }
  }
  return out;
}

function chainFor(fb: FactBuilder, ctx: Context, rule: Rule, settings: ChainSettings): Attempt {
  const trails = fb.inContext(ctx.key, cloudtrailTrail.type);
  const trailGap = gapFor(fb, ctx, null, cloudtrailTrail.type);
  const own = trails.filter((t) => typeof t.properties.organizationTrailFrom !== 'string');
  const org = trails.filter((t) => typeof t.properties.organizationTrailFrom === 'string');
  const attempts: Attempt[] = [];
  const rejected: string[] = [];
  for (const t of own) {
    const pr = trailProblems(t);
    if (pr.broken.length > 0) {
      rejected.push(`${label(t)}: ${pr.broken.join(', ')}`);
      continue;
    }
    if (pr.unknown.length > 0) {
      const err = Object.entries(t.errors ?? {}).filter(([k]) => pr.unknown.some((u) => u.startsWith(k) || k.startsWith(u.split('.')[0])));
      attempts.push({
        stage: 'trail',
        outcome: err.length > 0 ? 'error' : 'unknown',
        message: `trail ${label(t)}: ${err.length > 0 ? err.map(([k, v]) => `${k}: ${v}`).join('; ') : `${pr.unknown.join(', ')} not known from the inputs (AWS Config does not record trail status or event selectors; use --live)`}`,
        evidence: { expectedPattern: rule.cloudwatch!.filterPattern, ...trailEvidence(t) },
      });
      continue;
    }
    attempts.push(...fromTrail(fb, ctx, t, rule, settings));
  }
  const complete = attempts.find((a) => a.outcome === 'complete');
  if (complete) return complete;
  if (org.length > 0) {
    return {
      stage: 'trail',
      outcome: 'unknown',
      message: `covered by organization trail ${org.map((t) => `${label(t)} (account ${String(t.properties.organizationTrailFrom)})`).join(', ')}: its log group, metric filters and alarms live in the management account; scan that account for this control`,
      evidence: { coveredByOrganizationTrail: org.map(label), expectedPattern: rule.cloudwatch!.filterPattern },
    };
  }
  const undecided = attempts.filter((a) => a.outcome === 'unknown' || a.outcome === 'error').sort((a, b) => rank(b) - rank(a));
  if (undecided.length > 0) return undecided[0];
  const broken = attempts.sort((a, b) => rank(b) - rank(a));
  if (broken.length > 0) return broken[0];
  if (trailGap) return { stage: 'trail', outcome: 'error', message: `trails could not be read: ${trailGap}`, evidence: {} };
  if (trails.length === 0 && ctx.kind === 'config') {
    return { stage: 'trail', outcome: 'unknown', message: 'the AWS Config items hold no trail for this account (Config may not record AWS::CloudTrail::Trail); check with --live', evidence: { expectedPattern: rule.cloudwatch!.filterPattern } };
  }
  return {
    stage: 'trail',
    outcome: 'broken',
    message: trails.length === 0 ? 'no CloudTrail trail' : `no multi-region, logging trail with read and write management events and a CloudWatch Logs group (${rejected.join('; ')})`,
    evidence: { trails: trails.map((t) => trailEvidence(t)), expectedPattern: rule.cloudwatch!.filterPattern },
  };
}

const STATUS: Record<Attempt['outcome'], FindingStatus> = { complete: 'pass', broken: 'fail', unknown: 'manual', error: 'error' };

interface JudgedPattern {
  /** The event rule, its filterPattern replaced by the pattern these controls prescribe. */
  rule: Rule;
  controls: string[];
  /** '' for the rule's own pattern; otherwise `@` and the controls, so each finding id is stable. */
  suffix: string;
  /** The framework versions judged by a pattern of their own, for the title ('' for the rule's). */
  versions: string;
}

/**
 * An event rule's chain controls, grouped by the pattern each framework version prescribes
 * (`cloudwatch.controlPatterns`, else the rule's filterPattern): a version is judged against its
 * own text, so a filter written to CIS v3.0 4.10 passes v3.0 and fails v5.0, and says why.
 */
function byPrescribedPattern(er: Rule, controlRe: RegExp): JudgedPattern[] {
  const cw = er.cloudwatch!;
  const groups = new Map<string, string[]>();
  for (const c of er.controls.filter((x) => controlRe.test(x))) {
    const p = cw.controlPatterns?.[c] ?? cw.filterPattern;
    groups.set(p, [...(groups.get(p) ?? []), c]);
  }
  return [...groups].map(([pattern, controls]) => {
    if (pattern === cw.filterPattern) return { rule: er, controls, suffix: '', versions: '' };
    return {
      rule: { ...er, cloudwatch: { ...cw, filterPattern: pattern } },
      controls,
      suffix: `@${controls.join('+')}`,
      versions: `as ${controls.join(', ')} prescribes`,
    };
  });
}

/** One result per (event rule with a CIS monitoring control, pattern prescribed, deployment context). */
export async function evaluateMonitoringChains(fb: FactBuilder, chainRule: Rule, rules: readonly Rule[]): Promise<Finding[]> {
  const settings = (chainRule.check ?? {}) as ChainSettings;
  const controlRe = new RegExp(settings.eventRuleControl ?? '^cis-aws@');
  const eventRules = rules.filter((r) => r.target === 'event' && r.cloudwatch && r.controls.some((c) => controlRe.test(c)));
  // json-rules-engine judges the chain fact with the chain rule's own conditions, so a pack can
  // tighten what "complete" means (e.g. require an equivalent pattern) without code.
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: unknown, p: string) => resolveSelector(v, p) });
  engine.addRule({ name: chainRule.id, conditions: chainRule.conditions as TopLevelCondition, event: { type: 'holds' } });
  const out: Finding[] = [];
  const judged = eventRules.flatMap((er) => byPrescribedPattern(er, controlRe));
  for (const ctx of fb.model.contexts) {
    for (const { rule: er, controls: versionControls, suffix, versions } of judged) {
      const attempt = chainFor(fb, ctx, er, settings);
      let status = STATUS[attempt.outcome];
      const fact = { complete: attempt.outcome === 'complete', stage: attempt.stage, ...attempt.evidence };
      if (status === 'pass') {
        const res = await engine.run({ chain: fact });
        if (res.results.length === 0) status = 'fail';
      }
      const subject = accountSubject(ctx, null);
      const ruleId = `${chainRule.id}/${er.id}${suffix}`;
      const controls = [...new Set([...versionControls, ...chainRule.controls])];
      out.push({
        id: findingId(ruleId, subject),
        ruleId,
        title: `${er.title}${versions ? ` (${versions})` : ''}: metric filter, alarm and notification`,
        severity: chainRule.severity,
        status,
        controls,
        subject,
        message: `${er.title}: ${status === 'pass' ? 'chain complete: ' : status === 'fail' ? `chain broken at ${attempt.stage}: ` : ''}${attempt.message}`,
        evidence: { brokenAt: attempt.outcome === 'complete' ? null : attempt.stage, eventRule: er.id, ...attempt.evidence },
        remediation: `${chainRule.remediation} Pattern for this control: ${er.cloudwatch!.filterPattern}`,
      });
    }
  }
  return out;
}
