import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTrail } from '../../scripts/bench/generate';
import type { Finding } from '../../src/model/finding';
import type { InputRecord } from '../../src/model/input';
import { loadRulePack } from '../../src/rules/load';
import { FindingCollector } from '../../src/scan/collector';
import { type ParallelOptions, scanEventsParallel } from '../../src/scan/parallel-scan';
import { ruleOrder } from '../../src/scan/scan-events';
import { REPO, DATASETS } from '../support/paths';

const pack = loadRulePack();
const STRATUS = join(DATASETS, 'stratus-red-team', 'detonation-logs');
const SAMPLES = join(REPO, 'samples', 'cloudtrail');

function collector(): FindingCollector {
  return new FindingCollector({ ruleOrder: ruleOrder(pack.rules), rules: pack.rules, memoryLimit: 50 });
}

async function scan(paths: string[], threads: number, how: ParallelOptions = {}): Promise<{ findings: Finding[]; duplicates: number; inputs: InputRecord[]; workerFiles: number }> {
  const c = collector();
  try {
    const r = await scanEventsParallel(paths, pack.rules, threads, c, {}, how);
    const done = c.finish();
    return { findings: [...done.findings], duplicates: done.duplicates, inputs: r.inputs, workerFiles: r.workerFiles };
  } finally {
    c.dir.close();
  }
}

describe('parallel scan', () => {
  // Small files go by faster than a worker starts, so a scanning main thread may take them all:
  // with the main thread only collecting, every finding below crossed a thread as worker text.
  test('findings made on worker threads equal the one-thread scan, duplicates and inputs included', async () => {
    const paths = [SAMPLES, STRATUS];
    const one = await scan(paths, 1);
    const files = one.inputs.filter((i) => i.status === 'processed').length;
    expect(files).toBeGreaterThan(2);
    expect(one.findings.length).toBeGreaterThan(10);
    expect(one.duplicates).toBeGreaterThan(0); // Stratus is in the samples too
    // Workers run the cached bundle by default; the TypeScript through tsx is its fallback.
    for (const workerCode of ['bundled', 'sources'] as const) {
      const workers = await scan(paths, 2, { mainThread: 'collects', workerCode });
      expect(workers.workerFiles).toBe(files);
      expect(workers.findings).toEqual(one.findings);
      expect(workers.inputs).toEqual(one.inputs);
      expect(workers.duplicates).toBe(one.duplicates);
    }
  });

  test('the main thread and a worker share generated files; the output does not depend on who took which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-parallel-'));
    try {
      const trail = generateTrail(dir, 24_000);
      const one = await scan([dir], 1);
      const shared = await scan([dir], 2);
      const starting = await scan([dir], 2, { mainThread: 'starts' });
      const three = await scan([dir], 3, { mainThread: 'collects' });
      expect(trail.files.length).toBe(12);
      expect(one.workerFiles).toBe(0);
      expect(three.workerFiles).toBe(12);
      for (const other of [shared, starting, three]) {
        expect(other.findings).toEqual(one.findings);
        expect(other.inputs).toEqual(one.inputs);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
