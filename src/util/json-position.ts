/** Turn the "position N" in a JSON.parse error into line and column, for error messages people can act on. */
export function describeJsonError(err: unknown, text: string): { message: string; line?: number; column?: number; offset?: number } {
  const raw = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(raw);
  if (!m) {
    if (/Unexpected end of JSON input/.test(raw)) {
      const { line, column } = lineColumn(text, text.length);
      return { message: `unexpected end of JSON (truncated?) at line ${line} column ${column}`, line, column, offset: text.length };
    }
    return { message: raw };
  }
  const offset = Number(m[1]);
  const { line, column } = lineColumn(text, offset);
  const base = raw.replace(/\s*in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)/, '');
  return { message: `${base} at line ${line} column ${column}`, line, column, offset };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}
