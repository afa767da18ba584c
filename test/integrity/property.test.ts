/**
 * Any change to any stored byte that changes what a file says is reported against that file;
 * a change that leaves the content as it was (gzip header time, padding bits) is not.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { validateLogs } from '../../src/integrity/validate';
import { toFindings } from '../../src/integrity/to-findings';
import { StaticKeyProvider } from '../../src/integrity/key-provider';
import { parsePublicKeyFile } from '../../src/integrity/public-keys';
import { LocalMirrorStore } from '../../src/sources/local-mirror-store';
import type { FileSubject } from '../../src/model/finding';
import { BucketTree, buildTrail, makeKey, publicKeysJson, type SigningKey } from './fixture';

const SPEC = { account: '111122223333', region: 'us-east-1', homeRegion: 'us-east-1', trailName: 'p' };
let key: SigningKey;
let keys: StaticKeyProvider;
const dirs: string[] = [];
beforeAll(() => {
  key = makeKey();
  keys = new StaticKeyProvider(parsePublicKeyFile(publicKeysJson([key], new Date(0), new Date('2030-01-01T00:00:00Z')), 'us-east-1').entries);
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sameContent(a: Buffer, b: Buffer): boolean {
  try {
    return gunzipSync(a).equals(gunzipSync(b));
  } catch {
    return false;
  }
}

test('a flipped bit anywhere in any object is reported on that object exactly when the content changed', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (which, at, bit) => {
      const tree = new BucketTree('prop');
      buildTrail(tree, SPEC, { key, firstEnd: new Date('2026-11-20T01:01:31Z'), hours: 3, logsPerHour: 2 });
      const names = [...tree.objects.keys()].sort();
      const victim = names[which % names.length];
      const o = tree.get(victim);
      const body = Buffer.from(o.body);
      body[at % body.length] ^= 1 << bit;
      tree.put(victim, body, o.metadata);
      const dir = mkdtempSync(join(tmpdir(), 'tp-prop-'));
      dirs.push(dir);
      tree.writeMirror(dir);
      const r = await validateLogs({ store: new LocalMirrorStore(new Map([['prop', dir]])), bucket: 'prop', prefix: '', start: new Date('2026-11-20T00:00:00Z'), end: new Date('2026-11-20T03:00:00Z'), filters: {}, keys, concurrency: 2, uncovered: true });
      const failing = toFindings(r).findings.filter((f) => f.status === 'fail').map((f) => (f.subject as FileSubject).key);
      if (sameContent(o.body, body)) expect(failing).toEqual([]);
      else expect(failing).toContain(victim);
    }),
    { numRuns: 40 },
  );
});
