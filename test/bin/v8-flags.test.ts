import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../support/paths';

const { FLAGS } = require(join(REPO, 'bin', 'v8-flags.js')) as { FLAGS: string[] };

// V8 answers a flag it does not know with a line on stdout (where `--format json -` output goes),
// so every flag applied must be one this V8 lists.
describe('V8 flags of a trailproof process', () => {
  test('every flag is one this V8 lists', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(FLAGS.length).toBeGreaterThan(0);
    for (const f of FLAGS) {
      const name = f.replace(/^--/, '').split('=')[0];
      // Listed with dashes; V8 accepts dashes and underscores alike.
      expect(options).toContain(`--${name.replace(/_/g, '-')}`);
    }
  });
});
