/** Near-miss flags and severities as people type them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editDistance, optionsOf, suggestOption } from '../../src/cli/suggest';
import { parseFailOn } from '../../src/findings/verdict';
import { DATASETS, REPO } from '../support/paths';

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), ...args], { encoding: 'utf8', cwd: REPO });
}

describe('CLI usage', () => {
  test('a near-miss option gets one line with "did you mean", exit 2; a far one no guess', () => {
    const r = cli(['scan', '--event', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('trailproof scan: unknown option --event; did you mean --events? (see trailproof scan --help)\n');
    expect(cli(['scan', '--fial-on', 'high']).stderr).toContain('did you mean --fail-on?');
    expect(cli(['validate-logs', '--s3-buckt', 'b']).stderr).toContain('did you mean --s3-bucket?');
    const far = cli(['scan', '--colour']);
    expect(far.status).toBe(2);
    expect(far.stderr).not.toContain('did you mean');
  });

  test('suggestions: prefixes, up to two edits for longer flags, never a tie', () => {
    const known = ['--events', '--iac', '--config', '--fail-on', '--format', '--out', '--region', '--rules'];
    expect(suggestOption('--event', known)).toBe('--events');
    expect(suggestOption('--fialon', known)).toBe('--fail-on');
    expect(suggestOption('--confg', known)).toBe('--config');
    expect(suggestOption('--xyzzy', known)).toBeUndefined();
    expect(editDistance('--rules', '--roles')).toBe(1);
    expect(optionsOf('  --events PATH   x\n  --fail-on S  (see --events)')).toEqual(['--events', '--fail-on']);
  });

  test('--fail-on is case-insensitive', () => {
    expect(parseFailOn('HIGH')).toBe('high');
    expect(parseFailOn(' Critical ')).toBe('critical');
    expect(parseFailOn('None')).toBe('none');
    expect(parseFailOn('severe')).toBeUndefined();
    const r = cli(['scan', '--events', join(DATASETS, 'stratus-red-team', 'detonation-logs', 'aws.defense-evasion.cloudtrail-stop.json'), '--fail-on', 'High', '--out', mkdtempSync(join(tmpdir(), 'tp-failon-'))]);
    expect(r.stdout).toMatch(/verdict: FAIL: \d+ failing finding\(s\) at or above high/);
  });
});
