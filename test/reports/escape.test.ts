import fc from 'fast-check';
import { csvField, escapeHtml, escapeXml, mdCode, mdText, showControls } from '../../reports/escape';
import { DOMParser } from '@xmldom/xmldom';
import { HOSTILE, HOSTILE_ALL } from './support';

// commonmark.js, the CommonMark reference parser (installed with the cdktf CLI's toolchain).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const commonmark = require('commonmark') as {
  Parser: new () => { parse(s: string): CmNode };
};
interface CmNode {
  type: string;
  literal: string | null;
  walker(): { next(): { entering: boolean; node: CmNode } | null };
}

function inlineNodes(md: string): { types: string[]; text: string; code: string[] } {
  const doc = new commonmark.Parser().parse(md);
  const w = doc.walker();
  const types: string[] = [];
  let text = '';
  const code: string[] = [];
  for (let e = w.next(); e; e = w.next()) {
    if (!e.entering) continue;
    types.push(e.node.type);
    if (e.node.type === 'text') text += e.node.literal;
    if (e.node.type === 'code') code.push(e.node.literal ?? '');
  }
  return { types, text, code };
}

const visible = (s: string) => showControls(s).replace(/\r\n|\r|\n/g, ' \u21b5 ');

describe('Markdown escaping, checked with a real CommonMark parser', () => {
  test('mdText: any string renders as one paragraph of plain text equal to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const r = inlineNodes(`x ${mdText(s)} x`);
        expect(new Set(r.types)).toEqual(new Set(['document', 'paragraph', 'text']));
        expect(r.text).toBe(`x ${visible(s).replace(/@/g, '@\u200b')} x`);
      }),
      { numRuns: 400 },
    );
  });

  test('mdCode: any string renders as exactly one code span holding the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }), (s) => {
        const r = inlineNodes(`x ${mdCode(s)} x`);
        expect(r.types.filter((t) => t === 'code')).toHaveLength(1);
        expect(r.types.every((t) => ['document', 'paragraph', 'text', 'code'].includes(t))).toBe(true);
        // GFM removes the backslash of \| inside table cells; plain CommonMark keeps it.
        expect(r.code[0]).toBe(visible(s).replace(/\|/g, '\\|'));
      }),
      { numRuns: 400 },
    );
  });

  test('hostile strings: no link, image, HTML, emphasis, heading or mention survives', () => {
    for (const s of [...Object.values(HOSTILE), HOSTILE_ALL]) {
      for (const md of [mdText(s), mdCode(s)]) {
        const r = inlineNodes(`cell ${md}`);
        for (const t of ['link', 'image', 'html_inline', 'html_block', 'emph', 'strong', 'heading']) expect(r.types).not.toContain(t);
        expect(md).not.toContain('\n');
      }
      // mentions are found in rendered text: a zero-width space after every @ breaks them (in code spans they never fire)
      expect(mdText(s)).not.toMatch(/@(?!&#8203;)/);
      // GFM autolinks need an unescaped "://" or "www."
      expect(mdText(s)).not.toMatch(/[^\\]:\/\/|(^|[^\\])www\./);
      // a table row stays a row: every pipe in the value is escaped
      expect(mdText(s).replace(/\\\|/g, '')).not.toContain('|');
      expect(mdCode(s).replace(/\\\|/g, '')).not.toContain('|');
    }
  });
});

describe('HTML, XML, CSV and control characters', () => {
  test('escapeHtml leaves no tag or attribute breakout', () => {
    const e = escapeHtml(HOSTILE.html + '"\'`');
    expect(e).not.toMatch(/[<>"'`]/);
    expect(e).toContain('&lt;script&gt;');
  });

  test('escapeXml output parses back, in attributes and text, to the visible form of the input', () => {
    for (const s of [...Object.values(HOSTILE), HOSTILE_ALL, 'tab\there\r\nline']) {
      const xml = `<r a="${escapeXml(s)}">${escapeXml(s)}</r>`;
      const errors: string[] = [];
      const doc = new DOMParser({ onError: (level: string, msg: string) => errors.push(`${level} ${msg}`) }).parseFromString(xml, 'text/xml');
      expect(errors).toEqual([]);
      const el = doc.documentElement!;
      const expected = s
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expect(el.getAttribute('a')).toBe(expected);
      expect(el.childNodes.length).toBe(1);
      expect(el.textContent).toBe(expected);
    }
  });

  test('escapeXml: any string survives a real XML parser, attribute and text alike', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const errors: string[] = [];
        const doc = new DOMParser({ onError: (level: string, msg: string) => errors.push(`${level} ${msg}`) }).parseFromString(`<r a="${escapeXml(s)}">${escapeXml(s)}</r>`, 'text/xml');
        expect(errors).toEqual([]);
        const expected = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        expect(doc.documentElement!.getAttribute('a')).toBe(expected);
        expect(doc.documentElement!.textContent).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('csvField: any string reads back as itself (with an apostrophe before a formula) and never starts a formula', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const f = csvField(s);
        const unquoted = f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f;
        expect(unquoted).toBe(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
        expect(unquoted).not.toMatch(/^[=+\-@]/);
        if (!f.startsWith('"')) expect(f).not.toMatch(/[",\r\n]/);
      }),
      { numRuns: 300 },
    );
  });

  test('csvField defuses formulas and quotes what needs quoting', () => {
    expect(csvField(HOSTILE.csv)).toBe(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(csvField(`${lead}1+1`).startsWith(`"'${lead}`)).toBe(true);
    expect(csvField(-3)).toBe('-3');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
  });

  test('showControls makes escape sequences and bidi overrides visible', () => {
    const s = showControls(HOSTILE.terminal);
    // \r and \n stay (each output handles line breaks its own way); everything else is shown, not obeyed
    expect(s).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(s).toContain('\\u001b]8;;https://evil.example');
    expect(s).toContain('\\u202e');
  });
});
