import type { FindingsDocument } from '../model/finding';
import type { RuleLoadError } from '../model/rule';
import { sanitizeForTerminal as t } from '../util/terminal';

export function printRuleErrors(errors: readonly RuleLoadError[]): void {
  for (const e of errors) {
    process.stderr.write(`trailproof: rule error: ${t(e.path)}${e.pointer ? ` at ${t(e.pointer)}` : ''}: ${t(e.message)}\n`);
  }
}

/** The few lines a person reads after a scan; everything else is in the report files. */
export function printScanSummary(doc: FindingsDocument, files: string[], blocking: number, failOn: string): void {
  const out: string[] = [];
  const by = (s: string) => doc.inputs.filter((i) => i.status === s).length;
  out.push(
    `inputs: ${doc.inputs.length} (${by('processed')} processed, ${by('skipped')} skipped, ${by('error')} error)  events: ${doc.summary.events}  rules: ${doc.rulePack.rules}`,
  );
  for (const i of doc.inputs) {
    if (i.status !== 'processed') out.push(`  ${i.status}: ${t(i.path)}: ${t(i.reason ?? '')}`);
  }
  const sev = Object.entries(doc.summary.bySeverity)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  out.push(`findings: ${doc.findings.filter((f) => f.status === 'fail').length} failing${sev ? ` (${sev})` : ''}`);
  const perRule = new Map<string, number>();
  for (const f of doc.findings) if (f.status === 'fail') perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
  for (const [rule, n] of [...perRule.entries()].sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(5)}  ${t(rule)}`);
  out.push(`verdict: ${blocking > 0 ? `FAIL (${blocking} at or above ${failOn})` : `pass (nothing at or above ${failOn})`}`);
  for (const f of files) out.push(`wrote ${t(f)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
