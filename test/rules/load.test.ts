import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR, loadRulePack } from '../../src/rules/load';

/** A bad rule file costs only that rule, and the error names the file and the JSON pointer. */
describe('loading a pack with a bad rule file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trailproof-rules-'));
    mkdirSync(join(dir, 'cis'));
    copyFileSync(join(DEFAULT_RULES_DIR, 'cis', 'cis-root-account-usage.json'), join(dir, 'cis', 'cis-root-account-usage.json'));
    const bad = JSON.parse(JSON.stringify(require(join(DEFAULT_RULES_DIR, 'detections', 'vpc-flow-logs-deleted.json'))));
    bad.conditions.all[1].operator = 'equal';
    writeFileSync(join(dir, 'bad-operator.json'), JSON.stringify(bad));
    writeFileSync(join(dir, 'truncated.json'), '{"id": "x", "title": ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the good rule and reports each bad file with a pointer', () => {
    const pack = loadRulePack({ dir });
    expect(pack.rules.map((r) => r.id)).toEqual(['cis-root-account-usage']);
    const operator = pack.errors.find((e) => e.path.endsWith('bad-operator.json'));
    expect(operator?.pointer).toBe('/conditions/all/1/operator');
    expect(operator?.message).toMatch(/cwEquals/);
    const truncated = pack.errors.find((e) => e.path.endsWith('truncated.json'));
    expect(truncated?.message).toMatch(/invalid JSON/);
  });
});
