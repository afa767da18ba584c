// What JSON.stringify would escape (quote, backslash, control characters) or check (surrogates).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by `indent`, byte for
 * byte, made in one walk. The report writers used to stringify each item and then re-indent the
 * text with a regular expression, which at 1M events (90k findings, 190 MB of indented JSON) was
 * the largest cost after the scan: the text was built twice and scanned once more. Values that
 * JSON.stringify treats specially (toJSON, boxed primitives) are left to JSON.stringify itself.
 */
export function prettyJson(value: unknown, indent = ''): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : composite(value, indent);
    case 'bigint':
      return JSON.stringify(value); // throws, as JSON.stringify does
    default:
      return undefined; // undefined, functions, symbols: left out of objects, null in arrays
  }
}

function composite(value: object, indent: string): string | undefined {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || value instanceof String || value instanceof Number || value instanceof Boolean) {
    const text = JSON.stringify(value, null, 2);
    return text === undefined ? undefined : text.replace(/\n/g, `\n${indent}`);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '\n' : ',\n'}${inner}${prettyJson(value[i], inner) ?? 'null'}`;
    return `${out}\n${indent}]`;
  }
  let out = '';
  for (const key of Object.keys(value)) {
    const text = prettyJson((value as Record<string, unknown>)[key], inner);
    if (text === undefined) continue;
    out += `${out === '' ? '\n' : ',\n'}${inner}${quote(key)}: ${text}`;
  }
  return out === '' ? '{}' : `{${out}\n${indent}}`;
}
