import { join } from 'node:path';
import { summarize } from '../../src/findings/summary';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { REPO } from '../support/paths';

/**
 * The summary is tallied as findings are collected, not counted by reading them back; it must
 * still be exactly what counting the document's findings gives, spilled to disk or not, with
 * posture findings (pass and fail) beside event findings.
 */
describe('document summary', () => {
  const pack = loadRulePack();
  test.each([1, 7, 1_000_000])('equals a count of the findings themselves (memory limit %i)', async (memoryLimit) => {
    const cloudtrail = join(REPO, 'samples', 'cloudtrail');
    const doc = await runScan({
      pack,
      events: [cloudtrail],
      config: [join(REPO, 'samples', 'config')],
      memoryLimit,
    });
    try {
      expect(doc.summary.findings).toBeGreaterThan(100);
      expect(doc.summary.byStatus.pass ?? 0).toBeGreaterThan(0);
      expect(doc.summary).toEqual(summarize(doc.findings, doc.summary.events, doc.summary.duplicateEventsIgnored));
      expect(doc.summary.findings).toBe(doc.findings.length);
    } finally {
      doc.findings.close();
    }
  });
});
