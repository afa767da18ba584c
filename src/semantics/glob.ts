/**
 * The one reading of `*` in a filter-pattern string value (choice 1 in compare.ts): a general
 * wildcard, any run of characters (the empty run too) anywhere in the value. The evaluator, the
 * scan's fast paths, the pattern algebra and the translations to EventBridge, Logs Insights and
 * SQL all read a value through `parseGlob`, so none of them decides again what a star means.
 *
 * The lone `*` is also a glob here (it matches every string); that it matches any present non-null
 * scalar, numbers and booleans included, is a comparison choice (2 in compare.ts), asked with
 * `isLoneStar`.
 */
export interface Glob {
  /** The value as written. */
  readonly text: string;
  /** The literal pieces between the stars: one piece, the whole text, when there is no star. */
  readonly parts: readonly string[];
  /** Does a string match? A value without a star is strict equality. */
  readonly matches: (s: string) => boolean;
}

const parsed = new Map<string, Glob>();

/** Parsed (and compiled) once per distinct value: the scan asks for the same few values per record. */
export function parseGlob(text: string): Glob {
  let g = parsed.get(text);
  if (!g) {
    const parts = text.split('*');
    parsed.set(text, (g = { text, parts, matches: compile(text, parts) }));
  }
  return g;
}

/** No star: the value matches only itself. */
export function isLiteral(g: Glob): boolean {
  return g.parts.length === 1;
}

/** The value is exactly `*`. */
export function isLoneStar(g: Glob): boolean {
  return g.text === '*';
}

export function starCount(g: Glob): number {
  return g.parts.length - 1;
}

/** `Add*`: the literal before the only star, when that star ends the value. */
export function prefixOf(g: Glob): string | undefined {
  return g.parts.length === 2 && g.parts[1] === '' ? g.parts[0] : undefined;
}

/** `*Policy`: the literal after the only star, when that star starts the value. */
export function suffixOf(g: Glob): string | undefined {
  return g.parts.length === 2 && g.parts[0] === '' ? g.parts[1] : undefined;
}

/**
 * Where the first star that is neither the first nor the last character sits, or -1. AWS documents
 * `*` only at the start or the end of a value; elsewhere it is this file's reading, which
 * the pattern parser warns about.
 */
export function innerStarIndex(g: Glob): number {
  const at = g.text.indexOf('*', 1);
  return at >= 0 && at < g.text.length - 1 ? at : -1;
}

/**
 * The glob in another language: each literal piece through `literal`, the stars as `star`.
 * A translation that anchors (a regex) adds its own anchors around the result.
 */
export function spellGlob(g: Glob, literal: (piece: string) => string, star: string): string {
  return g.parts.map(literal).join(star);
}

function compile(text: string, parts: readonly string[]): (s: string) => boolean {
  if (parts.length === 1) return (s) => s === text;
  if (text === '*') return () => true;
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  return (s) => {
    if (s.length < first.length + last.length) return false;
    if (!s.startsWith(first) || !s.endsWith(last)) return false;
    let pos = first.length;
    const end = s.length - last.length;
    for (const m of middle) {
      const at = s.indexOf(m, pos);
      if (at < 0 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}
