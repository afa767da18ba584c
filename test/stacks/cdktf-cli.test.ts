import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { synthesize } from '../../stacks/synth';
import { REPO } from '../support/paths';

/**
 * `npx cdktf synth` itself, as a user runs it (checkpoint calls off, no provider download: the
 * provider is the prebuilt package), produces the same Terraform as the programmatic synth that
 * `npm start` and the other tests use.
 */
const run = promisify(execFile);
let dir: string;
beforeAll(() => {
  delete process.env.TRAILPROOF_CONFIG;
  dir = mkdtempSync(join(tmpdir(), 'trailproof-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Tf = { resource: Record<string, Record<string, unknown>> };
const addresses = (tf: Tf) => Object.entries(tf.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)).sort();

test('cdktf synth builds the app from trailproof.config.json and the rule pack', async () => {
  const out = join(dir, 'cli');
  await run(process.execPath, [join(REPO, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', out], {
    cwd: REPO,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  const cli = JSON.parse(readFileSync(join(out, 'stacks', 'trailproof-audit', 'cdk.tf.json'), 'utf8')) as Tf;
  const api = synthesize(join(dir, 'api'));
  const direct = JSON.parse(readFileSync(api.files['trailproof-audit'], 'utf8')) as Tf;
  expect(addresses(cli)).toEqual(addresses(direct));
  expect(cli.resource.aws_cloudtrail).toEqual(direct.resource.aws_cloudtrail);
  expect(Object.keys(cli.resource.aws_cloudwatch_metric_alarm).length).toBe(api.alarms + 1);
});
