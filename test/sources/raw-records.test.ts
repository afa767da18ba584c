import { gzipSync } from 'node:zlib';
import type { InputRecord } from '../../src/model/input';
import { parseRecordText, readRawCloudTrail } from '../../src/sources/cloudtrail-files';
import { eventBridge, scratch, stratus } from './fixtures';

const iam = stratus('aws.persistence.iam-create-admin-user');

describe('readRawCloudTrail: record text before JSON.parse, for a prefilter', () => {
  let fx: ReturnType<typeof scratch>;
  beforeEach(() => {
    fx = scratch();
  });
  afterEach(() => fx.cleanup());

  it('gives each record exactly as it appears in the file, with its place', async () => {
    const texts = iam.map((r) => JSON.stringify(r));
    const p = fx.write('a.json.gz', gzipSync(`{"Records":[${texts.join(',')}]}`));
    const got: { text: string; index: number; line?: number; column: number }[] = [];
    for await (const raw of readRawCloudTrail([p])) got.push({ text: raw.text, index: raw.location.index, line: raw.location.line, column: raw.column });
    expect(got.map((g) => g.text)).toEqual(texts);
    expect(got.map((g) => g.index)).toEqual([0, 1, 2]);
    expect(got[1].column).toBe(13 + texts[0].length + 1);
  });

  it('counts records a prefilter accepts without parsing, and what it rejects, in the input', async () => {
    const p = fx.write('a.json', JSON.stringify([...iam, eventBridge(iam[0]), { unrelated: true }]));
    const inputs: InputRecord[] = [];
    const parsed: string[] = [];
    for await (const raw of readRawCloudTrail([p], { onInput: (i) => inputs.push(i) })) {
      // A prefilter: records whose text cannot mention CreateUser are not parsed at all.
      if (!raw.text.includes('"CreateUser"')) {
        raw.accept(1, 'record');
        continue;
      }
      const out = parseRecordText(raw.text, raw.container, { line: raw.location.line ?? 1, column: raw.column, index: raw.location.index });
      if (out.ok) {
        raw.accept(out.records.length, out.shape);
        parsed.push(...out.records.map((r) => String(r.eventName)));
      } else raw.reject(out.category, out.detail);
    }
    const mention = [...iam, iam[0]].filter((r) => JSON.stringify(r).includes('"CreateUser"'));
    expect(mention.length).toBeGreaterThan(0);
    expect(parsed).toEqual(mention.map((r) => String(r.eventName)));
    // Accepted without parsing: counted, as the prefilter asked (the unrelated object too).
    expect(inputs).toEqual([expect.objectContaining({ status: 'processed', records: 5 })]);
  });

  it('counts a record left unsettled as one record', async () => {
    const p = fx.write('a.jsonl', iam.map((r) => JSON.stringify(r)).join('\n'));
    const inputs: InputRecord[] = [];
    for await (const raw of readRawCloudTrail([p], { onInput: (i) => inputs.push(i) })) void raw;
    expect(inputs[0]).toMatchObject({ status: 'processed', records: iam.length, kind: 'json-lines' });
  });
});
