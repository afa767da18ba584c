import type { RuleLoadError } from '../model/rule';
import { sanitizeForTerminal as t } from '../util/terminal';

export function printRuleErrors(errors: readonly RuleLoadError[]): void {
  for (const e of errors) {
    process.stderr.write(`trailproof: rule error: ${t(e.path)}${e.pointer ? ` at ${t(e.pointer)}` : ''}: ${t(e.message)}\n`);
  }
}
