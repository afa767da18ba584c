import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { readAll, scratch, stratus } from './fixtures';

const recs = stratus('aws.persistence.iam-create-admin-user');
const layouts = [
  (s: string) => s,
  (s: string) => gzipSync(s),
];
const texts = [JSON.stringify({ Records: recs }), JSON.stringify(recs, null, 2), recs.map((r) => JSON.stringify(r)).join('\n')];

describe('damaged input never stops the read', () => {
  it('any truncation or byte damage gives exactly one InputRecord per file, and the next file is read in full', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(texts.length - 1),
        fc.nat(layouts.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (t, l, edits, cut) => {
          const fx = scratch();
          try {
            let data = Buffer.from(layouts[l](texts[t]));
            for (const [at, byte] of edits) data[at % data.length] = byte;
            if (cut !== undefined) data = data.subarray(0, cut % (data.length + 1));
            const bad = fx.write('a-damaged.json', data);
            const good = fx.write('b-good.json', JSON.stringify(recs));
            const { inputs, records } = await readAll([bad, good]);
            expect(inputs.map((i) => i.path)).toEqual([bad, good]);
            expect(inputs[1]).toMatchObject({ status: 'processed', records: recs.length });
            const fromBad = records.filter((r) => r.path === bad).length;
            expect(fromBad).toBe(inputs[0].records);
            expect(inputs[0].bytes).toBe(data.length);
            if (inputs[0].status !== 'processed') expect(inputs[0].reason).toBeTruthy();
            if (edits.length === 0 && cut === undefined) expect(inputs[0]).toMatchObject({ status: 'processed', records: recs.length });
          } finally {
            fx.cleanup();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
