import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMirrorStore } from '../../src/sources/local-mirror-store';
import { StoreError } from '../../src/model/object-store';

let dir: string;
let store: LocalMirrorStore;
const KEYS = ['a/2026/11/19/x.json.gz', 'a/2026/11/20/y.json.gz', 'a/2026/11/20/z.json.gz', 'a/2026/12/01/w.json.gz', 'b/other.json.gz'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-mirror-'));
  for (const k of KEYS) {
    mkdirSync(join(dir, ...k.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, ...k.split('/')), k);
  }
  // both sidecar shapes: the whole head-object output, or just its Metadata
  writeFileSync(join(dir, 'a/2026/11/20/y.json.gz.metadata.json'), JSON.stringify({ ContentLength: 12, Metadata: { Signature: 'ab', 'signature-algorithm': 'SHA256withRSA' } }));
  writeFileSync(join(dir, 'a/2026/11/20/z.json.gz.metadata.json'), JSON.stringify({ signature: 'cd', 'signature-algorithm': 'SHA256withRSA' }));
  writeFileSync(join(dir, 'a/2026/12/01/w.json.gz.metadata.json'), '{not json');
  store = new LocalMirrorStore(new Map([['bkt', dir]]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function list(prefix: string, after?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.listKeys('bkt', prefix, after)) out.push(k);
  return out;
}

test('keys in S3 order under a prefix, strictly after StartAfter, sidecars never listed', async () => {
  expect(await list('a/')).toEqual(KEYS.slice(0, 4));
  expect(await list('a/', 'a/2026/11/20')).toEqual(KEYS.slice(1, 4));
  expect(await list('a/', 'a/2026/11/20/y.json.gz')).toEqual(KEYS.slice(2, 4));
  expect(await list('a/2026/1')).toEqual(KEYS.slice(0, 4));
  expect(await list('nothing/')).toEqual([]);
  expect(await store.listFolders('bkt', 'a/2026/')).toEqual(['a/2026/11/', 'a/2026/12/']);
});

test('metadata from either sidecar shape, keys lowercased; a broken sidecar is an error naming the file', async () => {
  expect((await store.get('bkt', 'a/2026/11/20/y.json.gz'))?.metadata).toEqual({ signature: 'ab', 'signature-algorithm': 'SHA256withRSA' });
  expect((await store.get('bkt', 'a/2026/11/20/z.json.gz'))?.metadata.signature).toBe('cd');
  expect((await store.get('bkt', 'a/2026/11/19/x.json.gz'))?.metadata).toEqual({});
  await expect(store.get('bkt', 'a/2026/12/01/w.json.gz')).rejects.toThrow(StoreError);
  await expect(store.get('bkt', 'a/2026/12/01/w.json.gz')).rejects.toMatchObject({ location: join(dir, 'a/2026/12/01/w.json.gz.metadata.json') });
});

test('absent objects: missing file, another bucket, a key that would leave the mirror', async () => {
  expect(await store.get('bkt', 'a/none.json.gz')).toBeUndefined();
  expect(await store.get('other-bucket', KEYS[0])).toBeUndefined();
  expect(await store.get('bkt', 'a/../b/other.json.gz')).toBeUndefined();
  expect(await store.get('bkt', 'a/2026')).toBeUndefined();
});
