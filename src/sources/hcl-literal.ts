/**
 * The value of `jsonencode(<literal>)` as Terraform would compute it, for the HCL expressions a
 * Terraform JSON file writes inside `"${jsonencode(...)}"` (policies, mostly). Only literals are
 * evaluated: objects, tuples, strings, numbers, booleans, null. A reference (`aws_s3_bucket.x.arn`,
 * `var.name`) becomes the `${...}` expression a Terraform JSON string would hold, so the resource
 * readers treat it like any other reference. Anything else (a function call, an operator, a
 * conditional, a `for` expression) is not evaluated: the result says why.
 */

export type HclLiteral = { value: unknown } | { unresolved: string };

class Unresolved extends Error {}

const JSONENCODE = /^\$\{\s*jsonencode\(([\s\S]*)\)\s*\}$/;

/** `"${jsonencode(...)}"` -> the JSON text Terraform renders; null when the string is not such a call. */
export function evaluateJsonencode(text: string): HclLiteral | null {
  const m = JSONENCODE.exec(text);
  if (!m) return null;
  try {
    const p = new Parser(m[1]);
    const value = p.value();
    p.end();
    return { value: JSON.stringify(value) };
  } catch (e) {
    if (e instanceof Unresolved) return { unresolved: `jsonencode(...) not evaluated: ${e.message}` };
    throw e;
  }
}

class Parser {
  private i = 0;

  constructor(private readonly s: string) {}

  end(): void {
    this.space();
    if (this.i < this.s.length) throw new Unresolved(`unexpected "${this.s.slice(this.i, this.i + 20)}"`);
  }

  private space(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
      if (this.s[this.i] === '#' || this.s.startsWith('//', this.i)) {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else if (this.s.startsWith('/*', this.i)) {
        const close = this.s.indexOf('*/', this.i + 2);
        this.i = close < 0 ? this.s.length : close + 2;
      } else return;
    }
  }

  /** A value, then no operator after it (an operator makes it an expression we do not evaluate). */
  value(): unknown {
    const v = this.primary();
    this.space();
    const rest = this.s.slice(this.i, this.i + 2);
    if (/^(==|!=|<=|>=|&&|\|\|)/.test(rest) || /^[-+*/%<>?!]/.test(rest)) {
      throw new Unresolved(`an operator or conditional (\`${this.s.slice(this.i, this.i + 20).trim()}\`)`);
    }
    return v;
  }

  private primary(): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.tuple();
    if (c === '"') return this.string();
    if (c === '<' && this.s.startsWith('<<', this.i)) throw new Unresolved('a heredoc');
    if (c !== undefined && /[-0-9]/.test(c)) return this.number();
    if (c !== undefined && /[A-Za-z_]/.test(c)) return this.word();
    throw new Unresolved(c === undefined ? 'the expression ends early' : `unexpected "${c}"`);
  }

  private object(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.space();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      let key: string;
      if (this.s[this.i] === '"') key = this.string();
      else if (/[A-Za-z_]/.test(this.s[this.i] ?? '')) key = this.identifier();
      else throw new Unresolved('an object key that is an expression');
      this.space();
      if (this.s[this.i] !== '=' && this.s[this.i] !== ':') throw new Unresolved(`"=" or ":" expected after key "${key}"`);
      this.i++;
      out[key] = this.value();
      this.space();
      if (this.s[this.i] === ',') this.i++;
    }
  }

  private tuple(): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      if (this.s.startsWith('for ', this.i)) throw new Unresolved('a for expression');
      out.push(this.value());
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') throw new Unresolved('"," or "]" expected in a tuple');
    }
  }

  /** A quoted template; interpolations stay as written (`${...}`), directives are not evaluated. */
  private string(): string {
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[this.i + 1];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
        if (e in simple) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u') {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else throw new Unresolved(`an unknown escape "\\${e}"`);
        continue;
      }
      if (c === '%' && this.s[this.i + 1] === '{') throw new Unresolved('a template directive (%{...})');
      if (c === '$' && this.s[this.i + 1] === '{') {
        const close = this.s.indexOf('}', this.i);
        if (close < 0) throw new Unresolved('an unclosed interpolation');
        out += this.s.slice(this.i, close + 1);
        this.i = close + 1;
        continue;
      }
      out += c;
      this.i++;
    }
    throw new Unresolved('an unclosed string');
  }

  private number(): number {
    const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.s.slice(this.i));
    if (!m) throw new Unresolved('a malformed number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.i)) as RegExpExecArray;
    this.i += m[0].length;
    return m[0];
  }

  /** true/false/null, or a reference kept as its `${...}` expression; a function call is not evaluated. */
  private word(): unknown {
    const start = this.i;
    const id = this.identifier();
    if (id === 'true') return true;
    if (id === 'false') return false;
    if (id === 'null') return null;
    this.space();
    if (this.s[this.i] === '(') throw new Unresolved(`a call to ${id}()`);
    this.i = start + id.length;
    while (this.s[this.i] === '.' || this.s[this.i] === '[') {
      if (this.s[this.i] === '.') {
        this.i++;
        if (!/[A-Za-z_*]/.test(this.s[this.i] ?? '')) throw new Unresolved('a malformed reference');
        if (this.s[this.i] === '*') this.i++;
        else this.identifier();
      } else {
        const close = this.s.indexOf(']', this.i);
        if (close < 0) throw new Unresolved('a malformed index');
        this.i = close + 1;
      }
    }
    return `\${${this.s.slice(start, this.i)}}`;
  }
}
