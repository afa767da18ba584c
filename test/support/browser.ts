import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describeWhenFound, executable } from './optional-suite';

/** What the browser tests need, in one line, for the skip notice and the README. */
export const BROWSER_INSTALL = "apt-get install -y chromium (Debian's chromium), or set TRAILPROOF_CHROMIUM=/path/to/chromium";

export interface BrowserLookup {
  /** The executable to launch, when one was found. */
  path?: string;
  /** Set when TRAILPROOF_CHROMIUM names something that cannot be run: a user's explicit choice
   *  that is wrong must fail, not quietly fall back or skip. */
  error?: string;
}

/** TRAILPROOF_CHROMIUM first, then `chromium` and `chromium-browser` on PATH (Debian and Ubuntu
 *  name the binary differently), then Debian's fixed location. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): BrowserLookup {
  const chosen = env.TRAILPROOF_CHROMIUM;
  if (chosen) {
    return executable(chosen) ? { path: chosen } : { error: `TRAILPROOF_CHROMIUM=${chosen} is not an executable file` };
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of dirs) {
      const file = join(dir, name);
      if (existsSync(file) && executable(file)) return { path: file };
    }
  }
  return executable('/usr/bin/chromium') ? { path: '/usr/bin/chromium' } : {};
}

/**
 * `describe` when a browser is there; otherwise a skipped suite whose title says what to install.
 * TRAILPROOF_REQUIRE_BROWSER=1 (set by .ci/run) turns a missing browser into a failure.
 */
export function describeWithBrowser(title: string, body: (chromium: string) => void): void {
  const found = findChromium();
  describeWhenFound(
    title,
    { value: found.path, missing: 'no Chromium found', error: found.error },
    { install: BROWSER_INSTALL, requireVar: 'TRAILPROOF_REQUIRE_BROWSER', placeholder: '' },
    body,
  );
}
