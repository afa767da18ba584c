import fc from 'fast-check';
import { JsonSplitter, type RawElement, type SplitterOptions } from '../../src/sources/json-split';

function splitAll(chunks: string[], opts?: SplitterOptions): { els: RawElement[]; error?: string; splitter: JsonSplitter } {
  const s = new JsonSplitter(opts);
  const els: RawElement[] = [];
  for (const c of chunks) els.push(...s.push(c));
  els.push(...s.end());
  return { els, error: s.error, splitter: s };
}

/** Records with the awkward parts of real text: escapes, quotes, backslashes, brackets in strings, non-ASCII. */
const tricky = fc.record({
  eventName: fc.string(),
  s: fc.constantFrom('a\\"b', '\\\\', 'x\\', '"}]', '{[', 'é€😀', '\n\t', ''),
  n: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean()),
  nested: fc.jsonValue({ maxDepth: 2 }),
});

const layouts: { name: string; make: (rs: unknown[]) => string; opts?: SplitterOptions }[] = [
  { name: 'Records envelope', make: (rs) => JSON.stringify({ Records: rs }) },
  { name: 'envelope with other keys', make: (rs) => `{"x":{"Records":[1]},"Records":${JSON.stringify(rs)},"y":"]}"}` },
  { name: 'pretty array', make: (rs) => JSON.stringify(rs, null, 2) },
  { name: 'JSON lines', make: (rs) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n', opts: { lines: true } },
  { name: 'detected JSON lines', make: (rs) => rs.map((r) => JSON.stringify(r)).join('\r\n') },
  { name: 'FilterLogEvents output', make: (rs) => JSON.stringify({ events: rs, searchedLogStreams: [], nextToken: 'a' }) },
];

describe('JsonSplitter: a record split across chunks at any offset', () => {
  for (const layout of layouts) {
    it(`${layout.name}: every single cut point gives the same records`, () => {
      fc.assert(
        fc.property(fc.array(tricky, { minLength: 1, maxLength: 3 }), (rs) => {
          const text = layout.make(rs);
          const expected = rs.map((r) => JSON.parse(JSON.stringify(r)));
          for (let k = 0; k <= text.length; k++) {
            const { els, error } = splitAll([text.slice(0, k), text.slice(k)], layout.opts);
            expect(error).toBeUndefined();
            expect(els.map((e) => JSON.parse(e.text))).toEqual(expected);
            expect(els.map((e) => e.index)).toEqual(expected.map((_, i) => i));
          }
        }),
        { numRuns: 8 },
      );
    });

    it(`${layout.name}: any split into many chunks gives the same records`, () => {
      fc.assert(
        fc.property(fc.array(tricky, { minLength: 0, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (rs, cuts) => {
          const text = layout.make(rs);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let last = 0;
          for (const p of points) {
            chunks.push(text.slice(last, p));
            last = p;
          }
          chunks.push(text.slice(last));
          const { els, error } = splitAll(chunks, layout.opts);
          expect(error).toBeUndefined();
          expect(els.map((e) => JSON.parse(e.text))).toEqual(rs.map((r) => JSON.parse(JSON.stringify(r))));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('a backslash run split at the chunk boundary keeps the string open or closed correctly', () => {
    const text = '[{"a":"x\\\\\\"]"},{"b":"\\\\"}]';
    const expected = JSON.parse(text);
    for (let k = 0; k <= text.length; k++) {
      for (let j = k; j <= text.length; j++) {
        const { els, error } = splitAll([text.slice(0, k), text.slice(k, j), text.slice(j)]);
        expect(error).toBeUndefined();
        expect(els.map((e) => JSON.parse(e.text))).toEqual(expected);
      }
    }
  });
});

describe('JsonSplitter: places and layouts', () => {
  it('gives the line and column where each record starts', () => {
    const text = '[\n  {"a":1},\n  {"b":\n 2}, {"c":3}\n]';
    const { els } = splitAll([text]);
    expect(els.map((e) => [e.line, e.column])).toEqual([
      [2, 3],
      [3, 3],
      [4, 6],
    ]);
  });

  it('reads concatenated envelopes (zcat of several log files) as one stream of records', () => {
    const text = '{"Records":[{"a":1}]}{"Records":[{"a":2},{"a":3}]}\n{"Records":[]}';
    const { els, error, splitter } = splitAll([text]);
    expect(error).toBeUndefined();
    expect(els.map((e) => e.text)).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
    expect(splitter.layout.structure).toBe('Records');
    expect(splitter.layout.lines).toBe(false);
  });

  it('takes a single object as one record', () => {
    const { els, splitter } = splitAll(['  {"eventName":"X",\n"Records":null}  ']);
    expect(els).toHaveLength(1);
    expect(JSON.parse(els[0].text)).toEqual({ eventName: 'X', Records: null });
    expect(splitter.layout.structure).toBe('top');
  });

  it('reads CloudWatch Logs export-task lines, keeping the timestamp', () => {
    const text = '2024-01-02T03:04:05.678Z {"eventName":"A"}\n2024-01-02T03:04:06.000Z {"eventName":"B"}\n';
    const { els, error, splitter } = splitAll([text]);
    expect(error).toBeUndefined();
    expect(els.map((e) => [e.container, e.timestamp, e.text, e.column])).toEqual([
      ['export-line', '2024-01-02T03:04:05.678Z', '{"eventName":"A"}', 26],
      ['export-line', '2024-01-02T03:04:06.000Z', '{"eventName":"B"}', 26],
    ]);
    expect(splitter.layout.exportLines).toBe(true);
  });

  it('skips blank lines in JSON lines but counts the line numbers', () => {
    const { els } = splitAll(['{"a":1}\n\n   \n{"a":2}\n'], { lines: true });
    expect(els.map((e) => [e.index, e.line])).toEqual([
      [0, 1],
      [1, 4],
    ]);
  });

  it('reports an empty or blank input as empty, not as an error', () => {
    for (const t of ['', '  \n\t ']) {
      const { els, error, splitter } = splitAll([t]);
      expect(els).toHaveLength(0);
      expect(error).toBeUndefined();
      expect(splitter.empty).toBe(true);
    }
  });
});

describe('JsonSplitter: damage', () => {
  it('names line, column and record for a truncated document, after emitting the records before it', () => {
    const text = '{"Records":[\n{"a":1},\n{"b":"cut her';
    const { els, error } = splitAll([text]);
    expect(els.map((e) => e.text)).toEqual(['{"a":1}']);
    expect(error).toBe('truncated JSON at line 3 column 14 (record 2): the input ends inside a record');
  });

  it('names the structural error and its place', () => {
    const { els, error } = splitAll(['[{"a":1} {"b":2}]']);
    expect(els).toHaveLength(1);
    expect(error).toBe(`invalid JSON at line 1 column 10: expected ',' or ']' after record 1, found "{"`);
  });

  it('rejects text that is not JSON at all', () => {
    const { error } = splitAll(['hello']);
    expect(error).toBe('invalid JSON at line 1 column 1: expected a JSON object or array, found "h"');
  });

  it('skips an oversized record without keeping its text, and reads on', () => {
    const big = 'x'.repeat(500);
    const text = JSON.stringify({ Records: [{ a: 1 }, { big }, { a: 2 }] });
    for (let k = 0; k <= text.length; k += 7) {
      const { els, error } = splitAll([text.slice(0, k), text.slice(k)], { maxRecordBytes: 100 });
      expect(error).toBeUndefined();
      expect(els.map((e) => (e.oversize ? `over:${e.oversize}` : e.text))).toEqual(['{"a":1}', `over:${JSON.stringify({ big }).length}`, '{"a":2}']);
    }
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    const rec = JSON.stringify({ s: 'é'.repeat(40) }); // 48 characters, 88 bytes
    const { els } = splitAll([`[${rec}]`], { maxRecordBytes: 60 });
    expect(els[0].oversize).toBe(rec.length);
    const { els: ok } = splitAll([`[${rec}]`], { maxRecordBytes: 88 });
    expect(ok[0].text).toBe(rec);
  });

  it('skips an oversized line in JSON lines and reads the next lines', () => {
    const lines = ['{"a":1}', JSON.stringify({ big: 'y'.repeat(300) }), '{"a":2}'];
    const text = lines.join('\n');
    for (let k = 0; k <= text.length; k += 11) {
      const { els } = splitAll([text.slice(0, k), text.slice(k)], { lines: true, maxRecordBytes: 64 });
      expect(els.map((e) => [e.line, e.oversize ?? e.text])).toEqual([
        [1, '{"a":1}'],
        [2, lines[1].length],
        [3, '{"a":2}'],
      ]);
    }
  });

  it('does not need memory beyond the limit for an oversized top-level object', () => {
    const { els, error } = splitAll(['{"eventName":"', 'z'.repeat(200), '"}'], { maxRecordBytes: 50 });
    expect(error).toBeUndefined();
    expect(els).toHaveLength(1);
    expect(els[0].oversize).toBeGreaterThan(200);
  });
});
