import { PatternSyntaxError } from './errors';

/** AWS limits on a filter pattern (spec B.4 and B.7). */
const MAX_PATTERN_LENGTH = 1024;
const MAX_REGEXES_PER_PATTERN = 2;

/**
 * Characters AWS allows inside `%…%`: letters, digits, `_ # = @ / ; , -` (and `:` on some
 * versions of the page), and the operators `^ $ ? [ ] { } | \ * + .`. Anything else, including
 * parentheses and non-ASCII characters, makes AWS reject the pattern, so we reject it too.
 */
const REGEX_ALLOWED = /[A-Za-z0-9_#=@/;,\-:^$?[\]{}|\\*+.]/;

/**
 * Check a regex body (without the `%` delimiters) that starts at `offset` in `pattern`.
 * Throws PatternSyntaxError at the first offending character.
 */
export function checkRegexBody(body: string, pattern: string, offset: number): RegExp {
  if (body.length === 0) throw new PatternSyntaxError('empty regular expression %%', pattern, offset - 1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (REGEX_ALLOWED.test(c)) continue;
    const at = offset + i;
    if (c === '(' || c === ')') throw new PatternSyntaxError('groups and parentheses are not supported in a regular expression', pattern, at);
    if (c.charCodeAt(0) > 0x7f) throw new PatternSyntaxError('multi-byte characters are not supported in a regular expression', pattern, at);
    if (c === ' ') throw new PatternSyntaxError('a space is not allowed in a regular expression (use \\s)', pattern, at);
    throw new PatternSyntaxError(`character ${JSON.stringify(c)} is not allowed in a regular expression`, pattern, at);
  }
  try {
    return new RegExp(body);
  } catch (e) {
    const detail = (e as Error).message.replace(/^Invalid regular expression: /, '');
    throw new PatternSyntaxError(`invalid regular expression: ${detail}`, pattern, offset);
  }
}

export function checkLength(pattern: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PatternSyntaxError(`pattern is ${pattern.length} characters; AWS allows at most ${MAX_PATTERN_LENGTH}`, pattern, MAX_PATTERN_LENGTH);
  }
}

/** Called by the parser for each regex in order; the third one is refused where it starts. */
export function checkRegexCount(count: number, pattern: string, offset: number): void {
  if (count > MAX_REGEXES_PER_PATTERN) {
    throw new PatternSyntaxError(`at most ${MAX_REGEXES_PER_PATTERN} regular expressions are allowed in one pattern`, pattern, offset);
  }
}
