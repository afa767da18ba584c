import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOOL_NAME = 'trailproof' as const;

/** Read once from package.json so the version reported always matches what is installed. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

export const REPO_ROOT = join(__dirname, '..');
