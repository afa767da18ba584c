import { type Dirent, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { InputKind } from '../model/input';
import { type AwsLogsKey, isDigestPath, parseAwsLogsPath } from './aws-logs-key';

/** How stdin appears in inputs and record locations. */
export const STDIN_PATH = '<stdin>';

export type Discovered =
  /** A file to read. `lines` when the name says JSON lines; `awsLogs` when it sits in a trail's key layout. */
  | { type: 'file'; path: string; lines: boolean; awsLogs?: AwsLogsKey }
  | { type: 'stdin'; path: string }
  /** Found but not read, with the reason (a digest, a file that is not an event file). */
  | { type: 'skip'; path: string; kind: InputKind; reason: string }
  | { type: 'error'; path: string; reason: string };

/** Names read inside directories. A file named on the command line is read whatever its name. */
const EVENT_FILE = /\.(?:json|jsonl|ndjson)(?:\.gz)?$|\.gz$/i;
const LINES_FILE = /\.(?:jsonl|ndjson)(?:\.gz)?$/i;

/** Whether a name found in a directory (or a bucket listing) is read as events. */
export function isEventFileName(name: string): boolean {
  return EVENT_FILE.test(name);
}

/** What a file's name tells the reader: JSON lines by extension, a trail's key layout. */
export function eventFileHints(path: string): { lines: boolean; awsLogs?: AwsLogsKey } {
  return { lines: LINES_FILE.test(path), awsLogs: parseAwsLogsPath(path) };
}

/**
 * Expand the given paths into inputs, one at a time: files as given, directories recursively in
 * sorted (code unit) order so two runs read the same files in the same order, `-` for stdin.
 * Every path found is accounted for: read, skipped with a reason, or an error.
 */
export async function* discoverInputs(paths: readonly string[]): AsyncGenerator<Discovered> {
  const seenFiles = new Map<string, string>();
  const seenDirs = new Set<string>();
  let stdinSeen = false;

  /**
   * `entry`: what the parent directory's listing said of a child that is not a symlink, with its
   * real path; it spares a stat and a realpath per file, two thread-pool round trips each during
   * which a scan would sit idle. Named paths and symlinks are looked up in full.
   */
  async function* visit(path: string, named: boolean, entry?: { dirent: Dirent; real: string }): AsyncGenerator<Discovered> {
    let st: Pick<Dirent, 'isDirectory' | 'isFile' | 'isFIFO' | 'isCharacterDevice'>;
    let real: string;
    if (entry) {
      st = entry.dirent;
      real = entry.real;
    } else {
      try {
        st = await fs.stat(path);
      } catch (err) {
        yield { type: 'error', path, reason: describeFsError(err) };
        return;
      }
      try {
        real = await fs.realpath(path);
      } catch {
        real = path;
      }
    }
    if (st.isDirectory()) {
      // A symlink back up the tree would otherwise loop forever.
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      let entries: Dirent[];
      try {
        entries = (await fs.readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (err) {
        yield { type: 'error', path, reason: describeFsError(err) };
        return;
      }
      if (entries.length === 0 && named) {
        yield { type: 'skip', path, kind: 'unknown', reason: 'empty directory: no files to read' };
        return;
      }
      for (const d of entries) {
        const child = join(path, d.name);
        if (d.name.startsWith('.')) {
          yield { type: 'skip', path: child, kind: 'unknown', reason: 'hidden file or directory, not read' };
          continue;
        }
        yield* visit(child, false, d.isSymbolicLink() ? undefined : { dirent: d, real: join(real, d.name) });
      }
      return;
    }
    if (!st.isFile()) {
      // A named pipe given by name is a stream to read (`--events <(zcat ...)`); inside a directory it is skipped.
      if (named && (st.isFIFO() || st.isCharacterDevice())) {
        yield { type: 'file', path, lines: LINES_FILE.test(path) };
        return;
      }
      yield { type: 'skip', path, kind: 'unknown', reason: 'not a regular file' };
      return;
    }
    const first = seenFiles.get(real);
    if (first !== undefined) {
      yield { type: 'skip', path, kind: 'unknown', reason: `same file as ${first}, read once` };
      return;
    }
    seenFiles.set(real, path);
    if (isDigestPath(path)) {
      yield { type: 'skip', path, kind: 'cloudtrail-digest', reason: 'CloudTrail digest file: checked by validate-logs, holds no events' };
      return;
    }
    if (!named && !isEventFileName(path)) {
      yield { type: 'skip', path, kind: 'unknown', reason: 'not an event file (expected .json, .json.gz, .jsonl, .ndjson or .gz)' };
      return;
    }
    yield { type: 'file', path, ...eventFileHints(path) };
  }

  for (const p of paths) {
    if (p === '-') {
      if (stdinSeen) {
        yield { type: 'skip', path: STDIN_PATH, kind: 'unknown', reason: 'stdin given more than once, read once' };
        continue;
      }
      stdinSeen = true;
      yield { type: 'stdin', path: STDIN_PATH };
      continue;
    }
    yield* visit(p, true);
  }
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e instanceof Error ? e.message : String(err);
  }
}
