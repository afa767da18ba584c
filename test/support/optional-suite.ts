import { accessSync, constants } from 'node:fs';

/** Whether a file exists and may be run. */
export function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A suite that needs something outside the repository (a browser, terraform): `describe` when it
 * was found; otherwise a skipped suite whose title says what is missing, and one line on stderr.
 * `requireVar`=1 (CI sets it) turns the absence into a failure, so nothing passes by skipping.
 */
export function describeWhenFound<T>(
  title: string,
  found: { value?: T; missing?: string; error?: string },
  o: { install: string; requireVar: string; placeholder: T },
  body: (value: T) => void,
): void {
  if (found.error) throw new Error(found.error);
  if (found.value !== undefined) {
    const value = found.value;
    describe(title, () => body(value));
    return;
  }
  const notice = `${title}: skipped, ${found.missing}; to run it: ${o.install}`;
  if (process.env[o.requireVar] === '1') throw new Error(`${o.requireVar}=1 but ${notice}`);
  process.stderr.write(`${notice}\n`);
  describe.skip(`${title} (skipped: ${found.missing})`, () => body(o.placeholder));
}
