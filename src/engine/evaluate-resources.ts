import { Engine, type TopLevelCondition } from 'json-rules-engine';
import type { Finding, FindingStatus, Subject } from '../model/finding';
import type { Rule } from '../model/rule';
import { findingId } from '../util/finding-id';
import { type ConditionNode, conditionLeaves } from '../model/condition';
import { readConditionOnce, ruleCondition } from '../semantics/condition-json';
import { conditionPaths } from './conditions';
import { addCloudWatchOperators } from './operators';
import { resolveSelector } from '../semantics/selector';
import { type Fact, accountSubject, isSubject, resourceSubject, FactBuilder } from '../posture/facts';
import { type ItemPredicate, LIST_OPERATORS, type ListOperator, addPostureOperators, judgeItem, resolveKnown } from '../posture/operators';
import type { Context, Resource, ResourceModel } from '../model/resource';
import { evaluateMonitoringChains } from '../posture/chain';

/**
 * Resource and account rules over the resource model, judged by json-rules-engine. A rule's
 * `conditions` state the compliant configuration: they hold -> `pass`, they do not -> `fail`.
 * A rule never passes or fails on a value the inputs did not give: such a result is `manual`
 * (the source cannot tell, e.g. Config does not record whether a trail is logging) or `error`
 * (the source could have told but the read failed, e.g. access denied), with the reason.
 *
 * Rule `check` settings read here:
 *  - `appliesWhen`: a condition on the same fact; when it does not hold the result is
 *    `not-applicable` with `notApplicableReason`.
 *  - `scope: "region"` (account rules): one result per region in scope instead of per account.
 *  - `kind: "monitoring-chain"`: the CIS monitoring chain, see src/posture/chain.ts.
 */

function pathResolver(value: unknown, path: string): unknown {
  return resolveSelector(value, path);
}

function engineFor(factName: string, conditions: TopLevelCondition): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver });
  addCloudWatchOperators(engine);
  addPostureOperators(engine);
  engine.addRule({ name: factName, conditions, event: { type: 'holds' } });
  return engine;
}

interface LeafOutcome {
  path: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  result: boolean | undefined;
}

function collectLeaves(node: unknown, out: LeafOutcome[]): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  for (const k of ['all', 'any']) if (Array.isArray(n[k])) for (const c of n[k] as unknown[]) collectLeaves(c, out);
  if (n.not) collectLeaves(n.not, out);
  if (typeof n.fact === 'string') {
    out.push({ path: String(n.path ?? '$'), operator: String(n.operator), expected: n.value, actual: n.factResult, result: n.result as boolean | undefined });
  }
}

async function holds(engine: Engine, factName: string, fact: Record<string, unknown>): Promise<{ ok: boolean; leaves: LeafOutcome[] }> {
  const res = await engine.run({ [factName]: fact });
  const rr = res.results[0] ?? res.failureResults[0];
  const leaves: LeafOutcome[] = [];
  collectLeaves(rr?.conditions, leaves);
  return { ok: res.results.length > 0, leaves };
}

interface ListLeaf {
  path: string;
  operator: ListOperator;
  predicate: ItemPredicate;
}

function listLeaves(cond: ConditionNode): ListLeaf[] {
  const out: ListLeaf[] = [];
  for (const l of conditionLeaves(cond)) {
    if (l.kind === 'opaque' && (LIST_OPERATORS as readonly string[]).includes(l.operator) && l.path) out.push({ path: l.path, operator: l.operator as ListOperator, predicate: (l.value ?? {}) as ItemPredicate });
  }
  return out;
}

/** Unknown values a rule read, each with whether a failed read (error) or the source's silence (manual) caused it. */
function unknownsOf(cond: ConditionNode, fact: Fact): { topLevel: string[]; inItems: string[]; errors: string[] } {
  const topLevel: string[] = [];
  const inItems: string[] = [];
  for (const p of conditionPaths(cond)) if (resolveKnown(fact.value, p).unknown) topLevel.push(p);
  for (const l of listLeaves(cond)) {
    const list = resolveKnown(fact.value, l.path).value;
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      // An item a known value already rules out (a single-region trail) decides nothing more,
      // whatever else about it is unknown: its unknowns must not turn a fail into manual.
      const judged = judgeItem(item, l.predicate);
      if (judged.result !== 'unknown') return;
      for (const u of judged.unknown) inItems.push(`${l.path}[${i}]${u.slice(1)}`);
    });
  }
  const errors: string[] = [];
  for (const u of [...topLevel, ...inItems]) {
    for (const [prefix, why] of Object.entries(fact.errors)) {
      const norm = u.replace(/\[\d+\]/g, '');
      if (norm === prefix || norm.startsWith(`${prefix}.`) || prefix.startsWith(`${norm}.`)) errors.push(`${u}: ${why}`);
    }
  }
  for (const [prefix, why] of Object.entries(fact.errors)) {
    if (topLevel.some((t) => t === prefix) && !errors.some((e) => e.startsWith(prefix))) errors.push(`${prefix}: ${why}`);
  }
  return { topLevel, inItems, errors: [...new Set(errors)] };
}

function show(v: unknown): string {
  if (v === undefined) return '(unknown)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function itemLabel(item: unknown): string {
  if (!item || typeof item !== 'object') return show(item);
  const o = item as Record<string, unknown>;
  return String(o.arn ?? o.address ?? o.name ?? o.id ?? '?');
}

function evidenceFor(cond: ConditionNode, fact: Fact): Record<string, unknown> {
  const ev: Record<string, unknown> = {};
  const lists = new Map(listLeaves(cond).map((l) => [l.path, l]));
  for (const p of conditionPaths(cond)) {
    const v = resolveKnown(fact.value, p);
    const list = lists.get(p);
    if (list && Array.isArray(v.value)) {
      ev[p] = v.value.map((item) => {
        const row: Record<string, unknown> = { item: itemLabel(item) };
        for (const sel of Object.keys(list.predicate)) row[sel] = resolveKnown(item, sel).value ?? '(unknown)';
        return row;
      });
    } else ev[p] = v.unknown ? '(unknown)' : v.value;
  }
  return ev;
}

function describeFailures(leaves: LeafOutcome[], cond: ConditionNode, fact: Fact): string[] {
  const lists = new Map(listLeaves(cond).map((l) => [l.path, l]));
  const out: string[] = [];
  for (const l of leaves) {
    if (l.result !== false) continue;
    const list = lists.get(l.path);
    if (list) {
      const items = resolveKnown(fact.value, l.path).value;
      if (!Array.isArray(items) || items.length === 0) {
        out.push(`${l.path} is empty (needs an item with ${predicateText(list.predicate)})`);
        continue;
      }
      const why = items.map((item) => {
        const j = judgeItem(item, list.predicate);
        const bad = j.failed.map((sel) => `${sel}=${show(resolveKnown(item, sel).value)}`);
        return `${itemLabel(item)}: ${bad.length > 0 ? bad.join(', ') : j.unknown.length > 0 ? `unknown ${j.unknown.join(', ')}` : 'matches'}`;
      });
      out.push(`${l.operator} ${predicateText(list.predicate)} over ${l.path} does not hold (${why.join('; ')})`);
    } else {
      out.push(`${l.path} is ${show(resolveKnown(fact.value, l.path).value)}, expected ${l.operator} ${show(l.expected)}`);
    }
  }
  return out;
}

function predicateText(p: ItemPredicate): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(', ');
}

/** The organization trails (from another account) that made an anyMatches over trails hold. */
function coveringOrgTrails(cond: ConditionNode, fact: Fact): string[] {
  const out: string[] = [];
  for (const l of listLeaves(cond)) {
    if (l.operator !== 'anyMatches') continue;
    const items = resolveKnown(fact.value, l.path).value;
    if (!Array.isArray(items)) continue;
    const matched = items.filter((i) => judgeItem(i, l.predicate).result === true) as Record<string, unknown>[];
    if (matched.length > 0 && matched.every((m) => typeof m.organizationTrailFrom === 'string')) {
      out.push(...matched.map((m) => `${itemLabel(m)} (account ${m.organizationTrailFrom})`));
    }
  }
  return out;
}

function finding(rule: Rule, subject: Subject, status: FindingStatus, message: string, evidence: Record<string, unknown>): Finding {
  return {
    id: findingId(rule.id, subject),
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    status,
    controls: [...rule.controls],
    subject,
    message,
    evidence,
    remediation: rule.remediation,
  };
}

interface Judged {
  status: FindingStatus;
  message: string;
  evidence: Record<string, unknown>;
}

async function judge(rule: Rule, factName: string, fact: Fact, label: string, engines: Map<string, Engine>): Promise<Judged> {
  const check = (rule.check ?? {}) as { appliesWhen?: TopLevelCondition; notApplicableReason?: string };
  if (check.appliesWhen) {
    const key = `${rule.id}#applies`;
    let e = engines.get(key);
    if (!e) engines.set(key, (e = engineFor(factName, check.appliesWhen)));
    const applies = await holds(e, factName, fact.value);
    const when = readConditionOnce(check.appliesWhen, rule.sourcePath, '/check/appliesWhen');
    const unknown = unknownsOf(when, fact);
    if (!applies.ok && unknown.topLevel.length === 0) {
      return { status: 'not-applicable', message: `${label}: ${check.notApplicableReason ?? 'the rule does not apply'}`, evidence: evidenceFor(when, fact) };
    }
    if (unknown.topLevel.length > 0) {
      const status: FindingStatus = unknown.errors.length > 0 ? 'error' : 'manual';
      return { status, message: `${label}: cannot tell whether ${rule.title.toLowerCase()} applies: ${[...unknown.errors, ...unknown.topLevel.map((u) => `${u} unknown`)].join('; ')}`, evidence: evidenceFor(when, fact) };
    }
  }
  let engine = engines.get(rule.id);
  if (!engine) engines.set(rule.id, (engine = engineFor(factName, rule.conditions)));
  const res = await holds(engine, factName, fact.value);
  const unknown = unknownsOf(ruleCondition(rule), fact);
  const evidence = evidenceFor(ruleCondition(rule), fact);
  const undecided = unknown.topLevel.length > 0 || (!res.ok && unknown.inItems.length > 0);
  if (undecided) {
    const status: FindingStatus = unknown.errors.length > 0 ? 'error' : 'manual';
    const why = unknown.errors.length > 0 ? unknown.errors : [...unknown.topLevel, ...unknown.inItems].map((u) => `${u} is not known from the inputs`);
    return { status, message: `${label}: ${rule.title}: not decided: ${why.join('; ')}`, evidence: { ...evidence, unknown: [...unknown.topLevel, ...unknown.inItems] } };
  }
  if (res.ok) {
    const org = coveringOrgTrails(ruleCondition(rule), fact);
    if (org.length > 0) {
      return { status: 'pass', message: `${label}: ${rule.title}: covered by organization trail ${org.join(', ')}`, evidence: { ...evidence, coveredByOrganizationTrail: org } };
    }
    return { status: 'pass', message: `${label}: ${rule.title}: compliant`, evidence };
  }
  return { status: 'fail', message: `${label}: ${rule.title}: ${describeFailures(res.leaves, ruleCondition(rule), fact).join('; ')}`, evidence };
}

function resourceLabel(r: Resource): string {
  return `${r.type} ${r.origin.address ?? r.name ?? r.id}`;
}

function accountLabel(ctx: Context, region: string | null): string {
  const who = ctx.account ? `account ${ctx.account}` : `stack ${ctx.stack ?? ctx.key}`;
  return region ? `${who} in ${region}` : who;
}

/** A manual result names the expressions its source left unresolved (Terraform variables, calls): that is why. */
function withUnresolved(j: Judged, resources: readonly Resource[]): Judged {
  if (j.status !== 'manual') return j;
  const unresolved = resources.flatMap((r) => (r.unresolved ?? []).map((u) => (resources.length > 1 ? `${r.origin.address ?? r.id}: ${u}` : u)));
  if (unresolved.length === 0) return j;
  return { ...j, message: `${j.message}; left to plan time in the input: ${unresolved.join('; ')}`, evidence: { ...j.evidence, unresolved } };
}

/** Judge every resource and account rule against the model; event rules with CIS controls feed the chain. */
export async function evaluatePosture(model: ResourceModel, rules: readonly Rule[]): Promise<Finding[]> {
  const fb = new FactBuilder(model);
  const engines = new Map<string, Engine>();
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.target === 'resource') {
      for (const r of model.resources) {
        if (r.type !== rule.resourceType || !isSubject(r)) continue;
        const j = withUnresolved(await judge(rule, 'resource', fb.resourceFact(r), resourceLabel(r), engines), [r]);
        findings.push(finding(rule, resourceSubject(r), j.status, j.message, j.evidence));
      }
    } else if (rule.target === 'account') {
      const check = (rule.check ?? {}) as { kind?: string; scope?: string };
      if (check.kind === 'monitoring-chain') {
        findings.push(...(await evaluateMonitoringChains(fb, rule, rules)));
        continue;
      }
      for (const ctx of model.contexts) {
        const regions: (string | null)[] = check.scope === 'region' ? (ctx.regions.length > 0 ? ctx.regions : [null]) : [null];
        for (const region of regions) {
          const fact = fb.accountFact(ctx, region);
          const j = withUnresolved(await judge(rule, 'account', fact, accountLabel(ctx, region), engines), fact.sources ?? []);
          findings.push(finding(rule, accountSubject(ctx, region), j.status, j.message, j.evidence));
        }
      }
    }
  }
  return findings;
}

