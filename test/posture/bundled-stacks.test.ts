import { join } from 'node:path';
import { synthesize } from '../../stacks/synth';
import { scanPosture } from '../../src/scan/scan-posture';
import { bundledRules, cisEventRules, tmpDir } from './support/stack';

/** What the bundled cdktf stacks deploy is exactly what the posture rules ask for. */
describe('the bundled audit stacks, synthesized', () => {
  test('pass every posture rule, every CIS monitoring chain included', async () => {
    const synth = synthesize(join(tmpDir(), 'cdktf.out'));
    const { findings, inputs } = await scanPosture({ terraform: [synth.outdir], rules: bundledRules() });
    expect(inputs.map((i) => i.status)).toEqual(synth.stacks.map(() => 'processed'));
    const notPassing = findings.filter((f) => f.status !== 'pass' && f.status !== 'not-applicable').map((f) => `${f.ruleId}: ${f.message}`);
    expect(notPassing).toEqual([]);
    const chains = findings.filter((f) => f.ruleId.startsWith('cis-monitoring-chain/'));
    // one chain per (event rule, pattern a CIS version prescribes) and stack
    const patterns = cisEventRules().map((r) => new Set(r.controls.filter((c) => c.startsWith('cis-aws@')).map((c) => r.cloudwatch!.controlPatterns?.[c] ?? r.cloudwatch!.filterPattern)).size);
    expect(chains).toHaveLength(patterns.reduce((a, b) => a + b, 0) * synth.stacks.length);
  });
});
