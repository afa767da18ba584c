import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository a directory belongs to: the nearest ancestor holding `.git` (a directory, or the
 * file a worktree or submodule has), else the directory itself. Code scanning maps SARIF paths
 * relative to the repository root, whatever directory the scan ran in.
 */
export function repoRoot(from: string): string {
  const start = resolve(from);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}
