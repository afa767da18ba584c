import { createHash } from 'node:crypto';
import { IdSet } from '../../src/scan/id-set';

const id = (n: number) => createHash('sha256').update(String(n)).digest('hex').slice(0, 24);

describe('IdSet: the finding ids a scan has seen', () => {
  test('200,000 ids, a seventh of them again: each new one taken, each repeat refused, through every growth of the table', () => {
    const s = new IdSet();
    let added = 0;
    for (let n = 0; n < 200_000; n++) if (s.add(id(n))) added++;
    expect(added).toBe(200_000);
    let again = 0;
    for (let n = 0; n < 200_000; n += 7) if (!s.add(id(n))) again++;
    expect(again).toBe(Math.ceil(200_000 / 7));
  });

  test('ids that differ in one word only are told apart', () => {
    const s = new IdSet();
    const base = 'aaaaaaaabbbbbbbbcccccccc';
    expect(s.add(base)).toBe(true);
    expect(s.add('aaaaaaaabbbbbbbbccccccc0')).toBe(true);
    expect(s.add('aaaaaaaa0bbbbbbbcccccccc')).toBe(true);
    expect(s.add('0aaaaaaabbbbbbbbcccccccc')).toBe(true);
    expect(s.add(base)).toBe(false);
  });

  test('the all-zero id, which spells an empty slot in the table, is kept exactly too', () => {
    const s = new IdSet();
    const zero = '0'.repeat(24);
    expect(s.add(zero)).toBe(true);
    expect(s.add('000000000000000000000001')).toBe(true);
    expect(s.add(zero)).toBe(false);
    expect(s.add('000000000000000000000001')).toBe(false);
  });

  test('an id that is not 24 lowercase hex digits is kept exactly as well', () => {
    const s = new IdSet();
    for (const x of ['AAAAAAAABBBBBBBBCCCCCCCC', 'short', 'aaaaaaaabbbbbbbbcccccccc0', '']) {
      expect(s.add(x)).toBe(true);
      expect(s.add(x)).toBe(false);
    }
    // Upper case is a different id from its lower-case spelling.
    expect(s.add('aaaaaaaabbbbbbbbcccccccc')).toBe(true);
  });
});
