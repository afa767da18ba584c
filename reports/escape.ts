/**
 * Every report embeds attacker-controlled text: a userAgent, a role session name, request
 * parameters are whatever the caller sent to AWS. One escaper per output language, each keeping the
 * text as text. Reports never build markup from an event field any other way.
 */

// eslint-disable-next-line no-control-regex
const C0_C1 = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// Bidi overrides reorder what a reader sees ("Trojan Source"); show them instead of obeying them.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

function visibleEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Control and bidi characters become visible `\uXXXX`; everything else is left alone. */
export function showControls(s: string): string {
  return s.replace(C0_C1, visibleEscape).replace(BIDI, visibleEscape);
}

// ---------------------------------------------------------------------------------------- HTML

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Safe in element content and in quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return showControls(s).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]);
}

// ------------------------------------------------------------------------------------ Markdown

/**
 * Plain text inside GitHub-flavoured Markdown, table cells included. Every ASCII punctuation
 * character gets a backslash (CommonMark allows escaping all of them), so no emphasis, link,
 * autolink (`http\://`, `www\.`), HTML tag or comment, or table pipe can form. `@` becomes
 * `@&#8203;` (a zero-width space after it): GitHub looks for mentions in the rendered text, where a
 * backslash escape would already be gone. Newlines would end a table row, so they become visible.
 */
export function mdText(s: string): string {
  return showControls(s)
    .replace(/\r\n|\r|\n/g, ' \u21b5 ')
    .replace(/[!"#$%&'()*+,\-./:;<=>?[\\\]^_`{|}~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@&#8203;');
}

/**
 * An untrusted value as a code span: nothing inside a code span is markup, mentions and
 * autolinks included. The fence is longer than any backtick run in the value, a leading or
 * trailing backtick gets a space so it cannot join the fence, and `|` is escaped because GFM
 * splits table cells before it parses code spans.
 */
export function mdCode(s: string): string {
  if (s.length === 0) return '';
  const v = showControls(s).replace(/\r\n|\r|\n/g, ' \u21b5 ').replace(/\|/g, '\\|');
  let longest = 0;
  for (const m of v.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = v.startsWith('`') || v.endsWith('`') || (v.startsWith(' ') && v.endsWith(' ') && v.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}

// ------------------------------------------------------------------------------------- XML

/**
 * Text and attribute values for XML 1.0 (JUnit). Characters XML 1.0 cannot carry at all (most C0
 * controls, lone surrogates, U+FFFE/U+FFFF) are written as visible `\uXXXX` text.
 */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, visibleEscape)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // Parsers normalise literal line breaks and tabs in attribute values to spaces; references survive.
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

// ------------------------------------------------------------------------------------- CSV

/**
 * One RFC 4180 field. A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab or
 * CR before one of them) as a formula, so such a cell gets a leading apostrophe, the OWASP advice;
 * the value is then always quoted.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== String(value) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * An identifier that must stay text in a spreadsheet: Gnumeric, LibreOffice and Excel read
 * `1.4.0` as a date, `3.10` as 3.1 and `012345678901` as a number. Such a value (digits and the
 * punctuation of numbers and dates only) is written as the formula `="3.10"`, which they all show
 * as the text itself; it holds no character a formula could misuse. Anything else is csvField.
 */
export function csvTextField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /^[0-9][0-9.,:/+\-TZe ]*$/.test(value) ? `"=""${value}"""` : csvField(value);
}

/** Text cut to `n` characters with a note pointing at findings.json, which keeps it whole. */
export function clipText(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length - n} more characters in findings.json)`;
}
