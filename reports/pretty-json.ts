/** Wrapper text around a value nested `levels` arrays deep: `[\n  [\n    ` and `\n  ]\n]` for two. */
const wrappers = new Map<number, [open: number, close: number]>();

function wrapperLengths(levels: number): [number, number] {
  let w = wrappers.get(levels);
  if (!w) {
    let open = 0;
    let close = 0;
    for (let k = 1; k <= levels; k++) {
      open += 2 + 2 * k; // '[' '\n' and the next level's indent
      close += 2 + 2 * (k - 1); // '\n', the level's own indent, ']'
    }
    wrappers.set(levels, (w = [open, close]));
  }
  return w;
}

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by `indent`, byte for
 * byte. The report writers used to stringify each item and then re-indent the text with a regular
 * expression: at 1M events (90k findings, 190 MB of indented JSON) that pass over the text was a
 * large part of writing findings.json. Here JSON.stringify indents the item itself, nested as
 * deep in arrays as the indent asks (two spaces a level), and the wrapping is cut off: one native
 * pass, and a slice of its output. Other indents fall back to the regular expression.
 */
export function prettyJson(value: unknown, indent = ''): string | undefined {
  const levels = indent.length / 2;
  if (indent === '' || value === null || typeof value !== 'object' || indent !== '  '.repeat(levels)) {
    // Scalars have no newlines; undefined, functions and symbols stay undefined as in JSON.stringify.
    return JSON.stringify(value, null, 2)?.replace(/\n/g, `\n${indent}`);
  }
  let wrapped: unknown = value;
  for (let k = 0; k < levels; k++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  const [open, close] = wrapperLengths(levels);
  const inner = text.slice(open, text.length - close);
  // A value whose toJSON gives undefined is null inside an array, undefined on its own.
  return inner === 'null' && JSON.stringify(value) === undefined ? undefined : inner;
}
