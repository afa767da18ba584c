import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigFiles } from '../../src/sources/config-files';
import { readTerraform } from '../../src/sources/terraform-files';
import { scanPosture } from '../../src/scan/scan-posture';
import { bundledRules, goodStack, tmpDir, writeJson } from './support/stack';

/** Damaged input never stops a read: every file gets exactly one input record, nothing throws. */
describe('posture sources on arbitrary input', () => {
  const dir = tmpDir();
  let n = 0;
  const write = (text: string) => {
    const p = join(dir, `f${n++}.tf.json`);
    writeFileSync(p, text);
    return p;
  };

  test('any JSON value or text: one input record per file, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string()), (text) => {
        const p = write(text);
        const tf = readTerraform([p]);
        const cfg = readConfigFiles([p]);
        expect(tf.inputs).toHaveLength(1);
        expect(cfg.inputs).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });

  test('a stack with random parts removed or retyped still yields a result for every rule and context', async () => {
    const paths: string[][] = [];
    const collect = (o: unknown, at: string[]) => {
      if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) {
        paths.push([...at, k]);
        collect(v, [...at, k]);
      }
    };
    const base = goodStack();
    collect(base.resource, ['resource']);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(paths.length - 1), fc.constantFrom<unknown>(undefined, null, 7, 'x', [], {}, true)), { minLength: 1, maxLength: 6 }), async (edits) => {
        const doc = JSON.parse(JSON.stringify(base));
        for (const [i, value] of edits) {
          const path = paths[i];
          let cur = doc;
          for (const k of path.slice(0, -1)) cur = cur?.[k];
          if (cur && typeof cur === 'object') {
            if (value === undefined) delete cur[path[path.length - 1]];
            else cur[path[path.length - 1]] = value;
          }
        }
        const r = await scanPosture({ terraform: [writeJson(doc)], rules: bundledRules() });
        expect(r.inputs).toHaveLength(1);
        const chains = r.findings.filter((f) => f.ruleId.startsWith('cis-monitoring-chain/'));
        expect(chains.length).toBeGreaterThan(0);
        for (const f of r.findings) expect(['pass', 'fail', 'manual', 'not-applicable', 'error']).toContain(f.status);
      }),
      { numRuns: 15 },
    );
  });
});
