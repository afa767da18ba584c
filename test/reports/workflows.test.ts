import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../support/paths';

/**
 * Report flags the CI workflows rely on that the posture/scan commands do not parse yet (the
 * reports layer exists; the CLI wiring lands separately). Delete an entry once its flag is wired:
 * from then on the flag is checked against the command's usage text like every other.
 */
const PENDING_WIRING = new Set<string>([]);

const WORKFLOWS = join(REPO, '.github', 'workflows');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Step {
  run?: string;
  uses?: string;
}
function steps(file: string): Step[] {
  const wf = parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(wf.jobs).flatMap((j) => j.steps);
}

/** Simple commands of a run script: lines joined at `\`, split at `&&`, `||`, `;`, quotes removed. */
function commands(script: string): string[][] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .flatMap((l) => l.split(/&&|\|\||;/))
    .map((c) => c.trim().split(/\s+/).map((t) => t.replace(/^["']|["']$/g, '')))
    .filter((t) => t.length > 0 && t[0] !== '');
}

async function usageOf(cmd: string): Promise<string> {
  const mod = (await import(join(REPO, 'src', 'cli', 'commands', `${cmd}.ts`))) as { command: { usage: string } };
  return mod.command.usage;
}

const files = existsSync(WORKFLOWS) ? readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)) : [];

describe('CI workflows', () => {
  test('a pull-request workflow and a scheduled scan exist', () => {
    expect(files.sort()).toEqual(['compliance-scan.yml', 'pull-request.yml']);
    const pr = readFileSync(join(WORKFLOWS, 'pull-request.yml'), 'utf8');
    expect(pr).toContain('github/codeql-action/upload-sarif');
    expect(pr).toContain('--body-file out/report.md');
    const sched = parse(readFileSync(join(WORKFLOWS, 'compliance-scan.yml'), 'utf8')) as { on: Record<string, unknown>; permissions: Record<string, string> };
    expect(sched.on.schedule).toBeDefined();
    expect(sched.permissions['id-token']).toBe('write');
  });

  test.each(files)('%s: every command it runs exists in package.json scripts or the trailproof CLI, with flags the command knows', async (file) => {
    let checked = 0;
    for (const step of steps(file)) {
      if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
      if (!step.run) continue;
      for (const c of commands(step.run)) {
        if (c[0] === 'npm') {
          checked++;
          if (c[1] === 'run') expect(Object.keys(pkg.scripts)).toContain(c[2]);
          else if (c[1] === 'test' || c[1] === 'start') expect(Object.keys(pkg.scripts)).toContain(c[1]);
          else expect(['ci']).toContain(c[1]);
        }
        if (c[0] === 'npx') {
          checked++;
          expect(c[1]).toBe('trailproof');
          const cmd = c[2];
          expect(existsSync(join(REPO, 'src', 'cli', 'commands', `${cmd}.ts`))).toBe(true);
          const usage = await usageOf(cmd);
          for (const flag of c.filter((t) => t.startsWith('--'))) {
            if (PENDING_WIRING.has(`${cmd} ${flag}`)) continue;
            expect(`${cmd} ${flag}: ${usage.includes(flag) ? 'known' : 'unknown'}`).toBe(`${cmd} ${flag}: known`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
