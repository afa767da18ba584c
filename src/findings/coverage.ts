import type { ControlCatalogue, ControlEntry } from '../model/control';
import { parseControlRef } from '../model/control';
import type { Finding, FindingsView } from '../model/finding';
import type { ControlResult, ControlStatus, FrameworkCoverage } from '../model/coverage';
import type { Rule } from '../model/rule';

/** What coverage reads of a rule: a loaded rule, or a baseline's index entry (RuleIndexEntry),
 *  of which only the presence of `cloudwatch` counts. */
export type RuleInfo = Pick<Rule, 'id' | 'target' | 'controls'> & { check?: Rule['check']; cloudwatch?: unknown };

/**
 * What the statuses mean, written into every report that shows coverage: an auditor must not
 * read "pass" on a detection control as "the control is implemented".
 */
export const COVERAGE_NOTES: readonly string[] = [
  'fail: at least one finding for the control failed and is not muted by a suppression.',
  'pass (resource/account rules): every subject the mapped rules evaluated passed. ' +
    'pass (event rules): events were scanned and none matched the control\'s detection; this is evidence that the monitored activity did not occur in the scanned logs, not that the metric filter and alarm the control asks for are deployed (the posture checks judge that).',
  'manual: the catalogue marks the control as manual, or a mapped rule could not decide a subject from the inputs (a fact was unknown); automated findings are attached as supporting evidence, but a person must review it. A manual control with a failing finding is reported as fail.',
  'not-covered: no rule maps to the control, or the mapped rules had nothing to judge in this scan (no events, no resources of their type, or none they apply to). It is neither a pass nor a fail.',
  'Muted findings (suppressed with a reason, owner and expiry) do not fail a control; they are counted and listed.',
  'Alarm controls (CIS "a log metric filter and alarm exist for ..."; v1.4-v5 4.x, v6/v7 5.x): the status comes from the monitoring-chain check (trail to log group, metric filter with the control\'s pattern, alarm with actions, a subscribed topic) on --iac, --config or --live. Events that match the control\'s pattern are activity, what the alarm fires on, shown as evidence and counted apart; activity is not a failure of the control. With no such input the control is not covered, whatever the events show.',
];

/**
 * The controls whose status the monitoring-chain check decides: every control an event rule with
 * a CloudWatch filter carries that a `monitoring-chain` rule's `eventRuleControl` selects. Read
 * from the rule pack (data), so a pack without a chain rule has no alarm controls.
 */
export function alarmControls(rules: readonly RuleInfo[]): Set<string> {
  const out = new Set<string>();
  for (const chain of rules) {
    const check = chain.check as { kind?: string; eventRuleControl?: string } | undefined;
    if (chain.target !== 'account' || check?.kind !== 'monitoring-chain') continue;
    const re = new RegExp(check.eventRuleControl ?? '^cis-aws@');
    for (const r of rules) if (r.target === 'event' && r.cloudwatch) for (const c of r.controls) if (re.test(c)) out.add(c);
  }
  return out;
}

// One collator for every comparison: localeCompare with a locale and options builds one per call.
const natural = new Intl.Collator('en', { numeric: true });

function naturalCompare(a: string, b: string): number {
  return natural.compare(a, b);
}

/** What coverage needs of a control's findings: counts and names, never the findings themselves. */
interface ControlTally {
  failing: number;
  muted: number;
  passed: number;
  undecided: number;
  notApplicable: number;
  /** Failing findings per rule, in the order each rule's first failing finding was read. */
  failingRules: Map<string, number>;
  /** Muted findings per rule. */
  mutedRules: Map<string, number>;
  waivers: Set<string>;
}

function emptyTally(): ControlTally {
  return { failing: 0, muted: 0, passed: 0, undecided: 0, notApplicable: 0, failingRules: new Map(), mutedRules: new Map(), waivers: new Set() };
}

/**
 * What coverage needs of the findings, taken one finding at a time, so the pass that writes
 * findings.json can fill it on the way (a scan's findings may live on disk: every extra pass
 * reads and decodes them all again).
 */
export class CoverageTally {
  readonly tallies = new Map<string, ControlTally>();
  readonly rulesWithFindings = new Set<string>();
  /** Control refs named by findings, with the rules naming them, in the order first read. */
  readonly controlRules = new Map<string, Set<string>>();

  add(f: Pick<Finding, 'ruleId' | 'controls' | 'status' | 'suppression'>): void {
    this.rulesWithFindings.add(f.ruleId);
    for (const c of f.controls) {
      let rs = this.controlRules.get(c);
      if (!rs) this.controlRules.set(c, (rs = new Set()));
      rs.add(f.ruleId);
      let t = this.tallies.get(c);
      if (!t) this.tallies.set(c, (t = emptyTally()));
      switch (f.status) {
        case 'fail':
          t.failing++;
          t.failingRules.set(f.ruleId, (t.failingRules.get(f.ruleId) ?? 0) + 1);
          break;
        case 'muted':
          t.muted++;
          t.mutedRules.set(f.ruleId, (t.mutedRules.get(f.ruleId) ?? 0) + 1);
          if (f.suppression) t.waivers.add(`${f.suppression.reason} (${f.suppression.owner ?? 'no owner'}, until ${f.suppression.expires ?? '?'})`);
          break;
        case 'pass':
          t.passed++;
          break;
        case 'manual':
        case 'error':
          // A rule that could not decide (inputs lacked a fact) or errored leaves the subject to a person.
          t.undecided++;
          break;
        case 'not-applicable':
          t.notApplicable++;
          break;
      }
    }
  }
}

/**
 * Control coverage per framework version: for every control of every loaded catalogue (and every
 * control a rule or finding names whose framework version has no catalogue), the status the
 * findings support and why. `tally` is the findings already tallied (CoverageTally); without it
 * they are read here.
 */
export function computeCoverage(
  doc: Pick<FindingsView, 'findings' | 'summary'>,
  rules: readonly RuleInfo[],
  catalogues: readonly ControlCatalogue[],
  tally?: CoverageTally,
): FrameworkCoverage[] {
  const rulesByControl = new Map<string, Set<string>>();
  const ruleById = new Map<string, RuleInfo>();
  const add = (ref: string, ruleId: string) => {
    let s = rulesByControl.get(ref);
    if (!s) rulesByControl.set(ref, (s = new Set()));
    s.add(ruleId);
  };
  for (const r of rules) {
    ruleById.set(r.id, r);
    for (const c of r.controls) add(c, r.id);
  }
  if (!tally) {
    tally = new CoverageTally();
    for (const f of doc.findings) tally.add(f);
  }
  for (const [c, ruleIds] of tally.controlRules) for (const id of ruleIds) add(c, id);
  const { tallies, rulesWithFindings } = tally;
  const events = doc.summary.events;
  const alarms = alarmControls(rules);
  const isEventRule = (id: string) => ruleById.get(id)?.target === 'event';
  // An event rule judged every scanned event; a resource or account rule judged something only if
  // it left a finding (pass or otherwise): the posture checks report passes explicitly.
  const assessed = (ruleId: string): boolean => {
    if (rulesWithFindings.has(ruleId)) return true;
    const r = ruleById.get(ruleId);
    return r?.target === 'event' && events > 0;
  };

  const result = (ref: string, entry: ControlEntry | undefined, catalogued: boolean): ControlResult => {
    const parsed = parseControlRef(ref);
    const mapped = [...(rulesByControl.get(ref) ?? [])].sort();
    const alarm = alarms.has(ref);
    // An alarm control is judged by the chain check, never by whether its events occurred.
    const judged = mapped.filter((id) => assessed(id) && !(alarm && isEventRule(id)));
    const t = tallies.get(ref) ?? emptyTally();
    let { failing, muted } = t;
    const { passed, undecided, notApplicable, waivers } = t;
    let failingRules = [...t.failingRules.keys()];
    let activity = 0;
    const activityRules = new Set<string>();
    if (alarm) {
      for (const [id, n] of [...t.failingRules, ...t.mutedRules]) {
        if (!isEventRule(id)) continue;
        activity += n;
        activityRules.add(id);
      }
      for (const id of activityRules) {
        failing -= t.failingRules.get(id) ?? 0;
        muted -= t.mutedRules.get(id) ?? 0;
      }
      failingRules = failingRules.filter((id) => !activityRules.has(id));
    }
    const activityNote =
      activity > 0 ? ` Activity: ${activity} matching event(s) from ${[...activityRules].sort().join(', ')}, what the alarm fires on; evidence, not a failure of the control.` : '';
    const assessment: ControlResult['assessment'] = entry ? entry.assessment : catalogued ? 'automated' : 'unknown';
    const mutedNote = muted > 0 ? ` ${muted} muted finding(s) are listed with their suppression.` : '';
    let status: ControlStatus;
    let basis: string;
    const eventOnly = judged.length > 0 && judged.every((id) => ruleById.get(id)?.target === 'event' && !rulesWithFindings.has(id));
    if (failing > 0) {
      status = 'fail';
      basis = `${failing} failing finding(s) from ${failingRules.join(', ')}.${mutedNote}`;
    } else if (assessment === 'manual') {
      status = 'manual';
      basis =
        judged.length > 0
          ? `Manual control: needs review; the mapped rules (${judged.join(', ')}) found nothing failing${eventOnly ? ` in ${events} scanned event(s)` : ''}.${mutedNote}`
          : alarm
            ? 'Manual control: needs review; the monitoring-chain check that judges this alarm control had no --iac, --config or --live chain to judge in this scan.'
            : 'Manual control: needs review; no automated rule judged it in this scan.';
    } else if (mapped.length === 0) {
      status = 'not-covered';
      basis = 'No rule in the pack maps to this control.';
    } else if (judged.length === 0 && alarm) {
      status = 'not-covered';
      basis = 'Alarm control: judged by the monitoring-chain check on --iac, --config or --live, and none of them gave a chain to judge in this scan.';
    } else if (judged.length === 0) {
      status = 'not-covered';
      basis = `Rules map to it (${mapped.join(', ')}) but had nothing to judge in this scan.`;
    } else if (eventOnly) {
      status = 'pass';
      basis = `Detection only: none of ${events} scanned event(s) matched ${judged.join(', ')}; no such activity in the scanned logs, not proof that the alarm is deployed.${mutedNote}`;
    } else if (undecided > 0) {
      status = 'manual';
      basis = `${undecided} subject(s) could not be decided from the inputs and need review (${judged.join(', ')}); ${passed} passed.${mutedNote}`;
    } else if (passed > 0 || muted > 0) {
      status = 'pass';
      basis = `${passed} evaluated subject(s) passed (${judged.join(', ')}).${mutedNote}`;
    } else {
      status = 'not-covered';
      basis = `The mapped rules (${judged.join(', ')}) applied to none of the scanned subjects${notApplicable ? ` (${notApplicable} not applicable)` : ''}.`;
    }
    return {
      ref,
      id: parsed?.id ?? ref,
      title: entry?.title ?? null,
      section: entry?.section ?? null,
      level: entry?.level ?? null,
      assessment,
      status,
      rules: mapped,
      assessedRules: judged,
      failing,
      muted,
      passed,
      waivers: [...waivers],
      alarm,
      activity,
      activityRules: [...activityRules].sort(),
      basis: basis + activityNote,
    };
  };

  const counts = (controls: ControlResult[]) => {
    const c: Record<ControlStatus, number> = { pass: 0, fail: 0, manual: 0, 'not-covered': 0 };
    for (const r of controls) c[r.status]++;
    return c;
  };

  const out: FrameworkCoverage[] = [];
  const covered = new Set<string>();
  for (const cat of catalogues) {
    const key = `${cat.framework}@${cat.version}`;
    covered.add(key);
    const controls = cat.controls.map((e) => result(`${key}:${e.id}`, e, true));
    out.push({ framework: cat.framework, version: cat.version, title: cat.title, catalogued: true, controls, counts: counts(controls) });
  }
  // Controls a rule names but no catalogue lists: shown in their own group, never dropped.
  const orphans = new Map<string, string[]>();
  for (const ref of rulesByControl.keys()) {
    const p = parseControlRef(ref);
    if (!p) continue;
    const key = `${p.framework}@${p.version}`;
    const cat = catalogues.find((c) => c.framework === p.framework && c.version === p.version);
    if (cat && cat.controls.some((e) => e.id === p.id)) continue;
    const list = orphans.get(key) ?? [];
    list.push(ref);
    orphans.set(key, list);
  }
  for (const [key, refs] of orphans) {
    const [framework, version] = key.split('@');
    const catalogued = covered.has(key);
    const controls = refs.sort((a, b) => naturalCompare(a, b)).map((ref) => result(ref, undefined, false));
    if (catalogued) {
      // Rule names a control id the catalogue does not have: keep it visible in that framework's table.
      const fw = out.find((c) => c.framework === framework && c.version === version)!;
      fw.controls.push(...controls);
      fw.counts = counts(fw.controls);
    } else {
      out.push({ framework, version, title: `${framework} ${version} (no catalogue loaded)`, catalogued: false, controls, counts: counts(controls) });
    }
  }
  return out.sort((a, b) => naturalCompare(a.framework, b.framework) || naturalCompare(a.version, b.version));
}
