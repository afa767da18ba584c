import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from '../support/browser';

/** How the browser test finds Chromium decides whether it runs or is skipped (issue 17). */
describe('findChromium', () => {
  const root = mkdtempSync(join(tmpdir(), 'tp-browser-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const fake = (name: string, mode = 0o755): string => {
    const p = join(bin, name);
    writeFileSync(p, '#!/bin/sh\n');
    chmodSync(p, mode);
    return p;
  };

  test('TRAILPROOF_CHROMIUM wins, and a wrong one is an error, not a skip', () => {
    const chosen = fake('my-chrome');
    expect(findChromium({ TRAILPROOF_CHROMIUM: chosen, PATH: '' })).toEqual({ path: chosen });
    expect(findChromium({ TRAILPROOF_CHROMIUM: join(root, 'missing'), PATH: '' }).error).toMatch(/is not an executable file/);
  });

  test('chromium-browser on PATH is found when chromium is not', () => {
    const other = join(root, 'other');
    mkdirSync(other);
    const p = join(other, 'chromium-browser');
    writeFileSync(p, '#!/bin/sh\n');
    chmodSync(p, 0o755);
    expect(findChromium({ PATH: `${join(root, 'empty')}:${other}` }).path).toBe(p);
  });

  test('a file named chromium that cannot be executed is passed over', () => {
    fake('chromium', 0o644);
    const found = findChromium({ PATH: bin });
    expect(found.path).not.toBe(join(bin, 'chromium'));
  });
});
