import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { compareKeys, type ObjectStore, type StoredObject, StoreError } from '../model/object-store';

const METADATA_SUFFIX = '.metadata.json';

/**
 * A bucket copied to disk (`aws s3 sync s3://bucket DIR`): the key is the path under DIR. S3
 * metadata does not survive a copy, so each digest's user metadata sits beside it in
 * `<digest>.metadata.json`, as `aws s3api head-object` prints it under "Metadata" (either that
 * whole output or just the Metadata object).
 */
export class LocalMirrorStore implements ObjectStore {
  constructor(private readonly roots: ReadonlyMap<string, string>) {}

  private path(bucket: string, key: string): string | undefined {
    const root = this.roots.get(bucket);
    // A key with . or .. segments could step outside the mirror; such an object cannot be in it.
    if (!root || key.split('/').some((p) => p === '..' || p === '.')) return undefined;
    return join(root, ...key.split('/'));
  }

  locate(bucket: string, key: string): string {
    return this.path(bucket, key) ?? `(no local mirror for bucket ${bucket})/${key}`;
  }

  async listFolders(bucket: string, prefix: string): Promise<string[]> {
    const dir = this.path(bucket, prefix.replace(/\/$/, ''));
    if (!dir || !existsSync(dir)) return [];
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => `${prefix}${e.name}/`)
      .sort(compareKeys);
  }

  async *listKeys(bucket: string, prefix: string, startAfter?: string): AsyncIterable<string> {
    const root = this.roots.get(bucket);
    if (!root) return;
    yield* this.walk(root, prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix, startAfter);
  }

  private async *walk(root: string, folder: string, prefix: string, startAfter?: string): AsyncIterable<string> {
    const dir = join(root, ...folder.split('/').filter(Boolean));
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StoreError((e as Error).message, dir);
    }
    const items = entries
      .filter((e) => !(e.isFile() && e.name.endsWith(METADATA_SUFFIX)))
      .map((e) => ({ key: e.isDirectory() ? `${folder}${e.name}/` : `${folder}${e.name}`, dir: e.isDirectory() }))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const it of items) {
      if (!it.key.startsWith(prefix) && !prefix.startsWith(it.key)) continue;
      if (it.dir) {
        // Every key in a folder that sorts before startAfter (and is not its ancestor) sorts before it too.
        if (startAfter && !startAfter.startsWith(it.key) && compareKeys(it.key, startAfter) < 0) continue;
        yield* this.walk(root, it.key, prefix, startAfter);
      } else if (!startAfter || compareKeys(it.key, startAfter) > 0) {
        yield it.key;
      }
    }
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    const file = this.path(bucket, key);
    if (!file) return undefined;
    let body: Buffer;
    try {
      body = await fs.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
      throw new StoreError((e as Error).message, file);
    }
    return { body, metadata: await readSidecar(file + METADATA_SUFFIX) };
  }
}

async function readSidecar(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StoreError((e as Error).message, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StoreError(`metadata sidecar is not JSON: ${(e as Error).message}`, file);
  }
  const o = raw as Record<string, unknown>;
  const meta = (o && typeof o.Metadata === 'object' && o.Metadata !== null ? o.Metadata : o) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}
