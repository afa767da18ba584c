import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './command';
import { EXIT, UsageError } from './command';
import { TOOL_VERSION } from '../version';
import { sanitizeForTerminal } from '../util/terminal';

/**
 * Commands load lazily so `trailproof --help` and small commands do not pay for the AWS SDK or
 * cdktf. One file per command: `src/cli/commands/<name>.ts` exporting `command`. Dropping a file
 * there registers it; there is no list to edit.
 */
const COMMAND_DIR = join(__dirname, 'commands');

function commandNames(): string[] {
  return readdirSync(COMMAND_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  const mod = (await import(join(COMMAND_DIR, `${name}.ts`))) as { command?: Command };
  return mod.command;
}

function help(summaries: [string, string][]): string {
  const width = Math.max(...summaries.map(([n]) => n.length));
  return [
    `trailproof ${TOOL_VERSION}: one rule pack for CloudTrail events, AWS Config and cdktf Terraform JSON`,
    '',
    'Usage: trailproof <command> [options]',
    '',
    'Commands:',
    ...summaries.map(([n, s]) => `  ${n.padEnd(width)}  ${s}`),
    '',
    'Run `trailproof <command> --help` for the options of a command.',
    'Exit codes: 0 nothing failing at or above --fail-on; 1 failing findings (or invalid logs);',
    '            2 usage error, bad configuration, or no input readable.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const summaries: [string, string][] = [];
    for (const n of commandNames()) {
      const c = await loadCommand(n);
      if (c) summaries.push([c.name, c.summary]);
    }
    process.stdout.write(help(summaries));
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${TOOL_VERSION}\n`);
    return EXIT.OK;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    process.stderr.write(`trailproof: unknown command "${sanitizeForTerminal(name)}"; see trailproof --help\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.usage}\n`);
    return EXIT.OK;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // One line that says what was probably meant, not the whole usage text.
      const { optionsOf, suggestOption } = await import('./suggest');
      const given = /'([^']+)'/.exec((e as Error).message)?.[1] ?? '';
      const near = suggestOption(given, optionsOf(cmd.usage));
      process.stderr.write(`trailproof ${name}: unknown option ${sanitizeForTerminal(given)}${near ? `; did you mean ${near}?` : ''} (see trailproof ${name} --help)\n`);
      return EXIT.USAGE;
    }
    if (e instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`trailproof ${name}: ${sanitizeForTerminal((e as Error).message)}\n${cmd.usage}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
}
