import type { FindingList, FindingsDocument, FindingsView, RuleIndexEntry } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { RulePack } from '../model/rule';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { summarize } from './summary';

export interface DocumentParts<L extends FindingList> {
  pack: RulePack;
  startedAt: Date;
  finishedAt: Date;
  inputs: InputRecord[];
  findings: L;
  events: number;
  duplicateEventsIgnored: number;
  /** The findings' counts when the caller kept them as the findings went by (FindingTally); else counted here. */
  summary?: FindingsDocument['summary'];
}

/** The run's rules as a later --baseline comparison needs them (RuleIndexEntry). */
function ruleIndex(pack: Pick<RulePack, 'rules'>): RuleIndexEntry[] {
  return pack.rules.map((r) => {
    const e: RuleIndexEntry = { id: r.id, target: r.target, controls: [...r.controls] };
    if (r.cloudwatch) e.cloudwatch = true;
    const kind = r.check?.kind;
    if (typeof kind === 'string') {
      e.check = { kind };
      if (typeof r.check?.eventRuleControl === 'string') e.check.eventRuleControl = r.check.eventRuleControl;
    }
    return e;
  });
}

/** Assemble findings.json from the parts every scan produces (findings in an array or a store). */
export function buildDocument<L extends FindingList>(p: DocumentParts<L>): FindingsView<L> {
  return {
    schemaVersion: '1.0',
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    rulePack: {
      rules: p.pack.rules.length,
      sha256: p.pack.sha256,
      errors: p.pack.errors.map((e) => ({ path: e.path, pointer: e.pointer, message: e.message })),
      index: ruleIndex(p.pack),
    },
    startedAt: p.startedAt.toISOString(),
    finishedAt: p.finishedAt.toISOString(),
    inputs: p.inputs,
    findings: p.findings,
    summary: p.summary ?? summarize(p.findings, p.events, p.duplicateEventsIgnored),
  };
}
