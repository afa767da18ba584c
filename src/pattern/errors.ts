/**
 * The only error the pattern parser throws. `position` is a 0-based offset into the pattern
 * exactly as given, so a caller can point a caret at it (see `describeAt`).
 */
export class PatternSyntaxError extends Error {
  /** Set by comparePatterns: which of its two patterns failed. */
  side?: 'actual' | 'expected';

  constructor(
    readonly reason: string,
    readonly pattern: string,
    readonly position: number,
  ) {
    super(`${reason} (at position ${position + 1})`);
    this.name = 'PatternSyntaxError';
  }

  /** Two lines for a terminal: the pattern (clipped around the position) and a caret under it. */
  caret(width = 72): string {
    const start = Math.max(0, Math.min(this.position - Math.floor(width / 2), this.pattern.length - width));
    const shown = this.pattern.slice(start, start + width).replace(/[\r\n\t]/g, ' ');
    return `${shown}\n${' '.repeat(Math.max(0, this.position - start))}^`;
  }
}
