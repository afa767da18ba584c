/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The options a command's usage text names (`--events`, `--fail-on`, ...). */
export function optionsOf(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/**
 * The known option closest to a mistyped one, when it is close enough to be what was meant: a
 * prefix of it (`--event` for `--events`), or within two edits, and never a tie between two.
 */
export function suggestOption(given: string, known: readonly string[]): string | undefined {
  const flag = given.startsWith('--') ? given.split('=')[0] : `--${given.replace(/^-+/, '')}`;
  const prefixed = known.filter((k) => k.startsWith(flag) || flag.startsWith(k));
  if (prefixed.length === 1) return prefixed[0];
  const scored = known.map((k) => [k, editDistance(flag, k)] as const).sort((x, y) => x[1] - y[1]);
  const [best, second] = scored;
  const limit = flag.length <= 5 ? 1 : 2;
  if (!best || best[1] > limit || (second && second[1] === best[1])) return undefined;
  return best[0];
}
