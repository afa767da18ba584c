import { parseArgs } from 'node:util';
import { relative, resolve } from 'node:path';
import { type Command, EXIT, UsageError } from '../command';
import { sanitizeForTerminal } from '../../util/terminal';
import type { Rule } from '../../model/rule';

const USAGE = `Usage: trailproof rules <list|lint> [options]

  list   one line per rule: id, target, severity, controls, title
  lint   check every rule file: it loads (schema, selectors), and for each event rule the
         filterPattern parses, is within AWS's limits (1024 characters, at most 2 regexes, the
         regex character set), means exactly what the rule's conditions mean, and both agree
         with the rule's examples. Problems name the file and the JSON pointer.

Options:
  --rules DIR   rule pack directory (default: the bundled rules/)
  --json        machine-readable output
  --strict      (lint) warnings count as problems too

Exit codes: 0 no problems; 1 problems found (lint); 2 usage error or no rule could be read.`;

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return sanitizeForTerminal(rel.startsWith('..') ? path : rel);
}

function listRules(rules: Rule[], json: boolean): void {
  if (json) {
    const rows = rules.map((r) => ({ id: r.id, target: r.target, severity: r.severity, controls: r.controls, title: r.title, path: r.sourcePath }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const width = Math.max(2, ...rules.map((r) => r.id.length));
  for (const r of rules) {
    const controls = r.controls.length ? `  [${r.controls.join(', ')}]` : '';
    process.stdout.write(`${r.id.padEnd(width)}  ${r.target.padEnd(8)}  ${r.severity.padEnd(8)}  ${sanitizeForTerminal(r.title)}${controls}\n`);
  }
  process.stdout.write(`${rules.length} rules\n`);
}

export const command: Command = {
  name: 'rules',
  summary: 'list the rule pack, or lint it (filter patterns parse, stay within AWS limits, agree with conditions)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rules: { type: 'string' },
        json: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
      },
    });
    const [sub, ...extra] = positionals;
    if (sub !== 'list' && sub !== 'lint') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'give a subcommand: list or lint');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    // Loaded here, not at the top: `trailproof --help` reads every command's summary and should not pay for ajv.
    const { loadRulePack } = await import('../../rules/load');
    const pack = loadRulePack(values.rules ? { dir: resolve(values.rules) } : {});
    const loadErrors = pack.errors.map((e) => ({ severity: 'error' as const, path: e.path, ruleId: null as string | null, pointer: e.pointer, message: e.message }));

    if (sub === 'list') {
      for (const e of loadErrors) process.stderr.write(`${show(e.path)}#${e.pointer}: ${sanitizeForTerminal(e.message)}\n`);
      listRules(pack.rules, values.json);
      return pack.rules.length === 0 && loadErrors.length > 0 ? EXIT.USAGE : EXIT.OK;
    }

    const { lintEventRule } = await import('../../rules/lint');
    const problems: { severity: 'error' | 'warning'; path: string; ruleId: string | null; pointer: string; message: string }[] = [...loadErrors];
    for (const rule of pack.rules) problems.push(...(await lintEventRule(rule)));
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    const eventRules = pack.rules.filter((r) => r.target === 'event').length;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ rules: pack.rules.length, eventRules, errors, warnings, problems }, null, 2)}\n`);
    } else {
      for (const p of problems) {
        const [first, ...rest] = p.message.split('\n');
        process.stdout.write(`${show(p.path)}#${p.pointer} ${p.severity}: ${sanitizeForTerminal(first)}\n`);
        for (const line of rest) process.stdout.write(`    ${sanitizeForTerminal(line)}\n`);
      }
      process.stdout.write(`${pack.rules.length} rules (${eventRules} event rules): ${errors} errors, ${warnings} warnings\n`);
    }
    if (pack.rules.length === 0 && loadErrors.length > 0) return EXIT.USAGE;
    return errors > 0 || (values.strict && warnings > 0) ? EXIT.FINDINGS : EXIT.OK;
  },
};
