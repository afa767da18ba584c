import { prefetching } from '../../src/integrity/digest-prefetch';
import { createLimiter } from '../../src/integrity/limiter';
import { parseDigestKey, type DigestKey } from '../../src/integrity/key-layout';

const key = (h: number): DigestKey =>
  parseDigestKey(`AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T${String(h).padStart(2, '0')}0131Z.json.gz`)!;

test('prefetch: asking for a digest starts the next older listed ones once, and hands each out once', async () => {
  const listed = [1, 2, 3, 4, 5].map(key);
  const runs: string[] = [];
  const get = prefetching(listed, 'b', 2, async (_b, dk) => {
    runs.push(dk.stamp);
    return dk.stamp;
  });
  expect(await get('b', listed[4])).toBe(listed[4].stamp);
  expect(runs).toEqual([listed[4].stamp, listed[3].stamp, listed[2].stamp]);
  expect(await get('b', listed[3])).toBe(listed[3].stamp);
  expect(await get('b', listed[2])).toBe(listed[2].stamp);
  expect(runs).toHaveLength(5); // 1 and 0 prefetched while walking, nothing twice
  // another bucket (a previous-digest link elsewhere) is fetched directly, no prefetch
  await get('other', listed[0]);
  expect(runs).toHaveLength(6);
});

test('limiter: never more than n at once; urgent tasks jump the queue', async () => {
  const limit = createLimiter(2);
  let active = 0;
  let peak = 0;
  const order: string[] = [];
  const gates: (() => void)[] = [];
  const task = (name: string) => async () => {
    active++;
    peak = Math.max(peak, active);
    order.push(name);
    await new Promise<void>((r) => gates.push(r));
    active--;
  };
  const all = [limit(task('a')), limit(task('b')), limit(task('c')), limit(task('d')), limit(task('urgent'), true)];
  await new Promise((r) => setImmediate(r));
  expect(order).toEqual(['a', 'b']);
  while (order.length < 5 || gates.length) {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(all);
  expect(peak).toBe(2);
  expect(order).toEqual(['a', 'b', 'urgent', 'c', 'd']);
});
