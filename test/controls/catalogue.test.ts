import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueError, DEFAULT_CONTROLS_DIR, loadCatalogues, lookupControl, readCatalogues } from '../../src/controls/catalogue';
import type { ControlCatalogue } from '../../src/model/control';

const catalogues = loadCatalogues();
const byKey = new Map(catalogues.map((c) => [`${c.framework}@${c.version}`, c]));
const ids = (key: string) => byKey.get(key)!.controls.map((c) => c.id);
const entry = (key: string, id: string) => byKey.get(key)!.controls.find((c) => c.id === id)!;
const range = (sec: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${sec}.${from + i}`);

describe('bundled control catalogues', () => {
  it('cover CIS 1.4.0, 3.0.0, 5.0.0, 6.0.0, 7.0.0, NIST 800-53 r5 and PCI DSS 4.0', () => {
    for (const key of ['cis-aws@1.4.0', 'cis-aws@3.0.0', 'cis-aws@5.0.0', 'cis-aws@6.0.0', 'cis-aws@7.0.0', 'nist-800-53@r5', 'pci-dss@4.0']) {
      expect(byKey.has(key)).toBe(true);
    }
  });

  it('list the Logging and Monitoring controls per CIS version, renumbered in v6.0.0/v7.0.0', () => {
    expect(ids('cis-aws@1.4.0')).toEqual([...range(3, 1, 11), ...range(4, 1, 15)]);
    expect(ids('cis-aws@3.0.0')).toEqual([...range(3, 1, 9), ...range(4, 1, 16)]);
    expect(ids('cis-aws@5.0.0')).toEqual([...range(3, 1, 9), ...range(4, 1, 16)]);
    expect(ids('cis-aws@6.0.0')).toEqual([...range(4, 1, 9), ...range(5, 1, 16)]);
    expect(ids('cis-aws@7.0.0')).toEqual([...range(4, 1, 10), ...range(5, 1, 16)]);
  });

  it('record automated/manual and level as the versions changed them', () => {
    expect(entry('cis-aws@3.0.0', '4.3').assessment).toBe('automated');
    expect(entry('cis-aws@5.0.0', '4.3').assessment).toBe('manual');
    expect(entry('cis-aws@5.0.0', '4.16').assessment).toBe('automated');
    expect(entry('cis-aws@7.0.0', '5.16').assessment).toBe('automated');
    expect(entry('cis-aws@3.0.0', '4.1').level).toBe('L1');
    expect(entry('cis-aws@5.0.0', '4.1').level).toBe('L2');
    expect(entry('cis-aws@1.4.0', '3.1').assessment).toBe('automated');
    expect(entry('cis-aws@5.0.0', '3.1').assessment).toBe('manual');
    expect(entry('cis-aws@6.0.0', '4.1').assessment).toBe('manual');
    expect(entry('cis-aws@1.4.0', '4.6').level).toBe('L2');
    expect(entry('cis-aws@6.0.0', '5.1').section).toBe('5 Monitoring');
    expect(entry('cis-aws@6.0.0', '4.2').section).toBe('4 Logging');
  });
});

describe('lookupControl', () => {
  it('resolves a reference to its catalogue entry', () => {
    const found = lookupControl('cis-aws@6.0.0:5.1');
    expect(found?.control.title).toMatch(/unauthorized API calls/);
    expect(found?.catalogue.version).toBe('6.0.0');
    expect(lookupControl({ framework: 'nist-800-53', version: 'r5', id: 'AU-6' })?.control.title).toBe('Audit Record Review, Analysis, and Reporting');
  });

  it('returns undefined for malformed, unknown-version and unknown-id references', () => {
    expect(lookupControl('cis-aws 5.0.0 4.1')).toBeUndefined();
    expect(lookupControl('cis-aws@2.0.0:4.1')).toBeUndefined();
    expect(lookupControl('cis-aws@1.4.0:4.16')).toBeUndefined();
  });

  it('searches the catalogues it is given', () => {
    const mine: ControlCatalogue = { framework: 'soc2', version: '2017', title: 'SOC 2', source: 'test', controls: [{ id: 'CC7.2', title: 'Monitoring', section: 'CC7', assessment: 'manual' }] };
    expect(lookupControl('soc2@2017:CC7.2', [mine])?.control.title).toBe('Monitoring');
    expect(lookupControl('cis-aws@5.0.0:4.1', [mine])).toBeUndefined();
  });
});

describe('a controls directory with bad files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trailproof-controls-'));
    copyFileSync(join(DEFAULT_CONTROLS_DIR, 'pci-dss@4.0.json'), join(dir, 'pci-dss@4.0.json'));
    const base = { framework: 'x', version: '1', title: 'X framework', source: 'test' };
    writeFileSync(join(dir, 'x@1.json'), JSON.stringify({ ...base, controls: [{ id: 'A', title: 'Alpha', section: 'S', assessment: 'automated' }, { id: 'B', section: 'S', assessment: 'sometimes' }] }));
    writeFileSync(join(dir, 'wrong-name.json'), JSON.stringify({ ...base, version: '2', controls: [{ id: 'A', title: 'Alpha', section: 'S', assessment: 'manual' }] }));
    writeFileSync(join(dir, 'x@3.json'), JSON.stringify({ ...base, version: '3', controls: [{ id: 'A', title: 'Alpha', section: 'S', assessment: 'manual' }, { id: 'A', title: 'Again', section: 'S', assessment: 'manual' }] }));
    writeFileSync(join(dir, 'y@1.json'), '{"framework": "y", ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each file and JSON pointer, and still reads the good catalogue', () => {
    const { catalogues: good, problems } = readCatalogues(dir);
    expect(good.map((c) => `${c.framework}@${c.version}`)).toEqual(['pci-dss@4.0']);
    const at = (file: string) => problems.filter((p) => p.path === join(dir, file)).map((p) => `${p.pointer} ${p.message}`);
    expect(at('x@1.json')).toEqual(expect.arrayContaining([expect.stringMatching(/^\/controls\/1 .*title/), expect.stringMatching(/^\/controls\/1\/assessment /)]));
    expect(at('wrong-name.json')).toEqual([' file name must be x@2.json for framework "x" version "2"']);
    expect(at('x@3.json')).toEqual(['/controls/1/id duplicate control id "A" (first at /controls/0)']);
    expect(at('y@1.json')[0]).toMatch(/invalid JSON/);
  });

  it('makes loadCatalogues throw with every problem listed', () => {
    expect(() => loadCatalogues(dir)).toThrow(CatalogueError);
    try {
      loadCatalogues(dir);
    } catch (e) {
      expect((e as CatalogueError).problems.length).toBeGreaterThanOrEqual(4);
      expect((e as Error).message).toContain('wrong-name.json');
    }
  });
});
