import { innerStarIndex, parseGlob } from '../semantics/glob';
import { parseSelector, SelectorError } from '../semantics/selector';
import type {
  CompareOp,
  FieldCondition,
  FieldExpr,
  FilterPattern,
  JsonCondition,
  JsonExpr,
  ParseResult,
  PatternValue,
  PatternWarning,
  SelectorRef,
  SpaceField,
  Term,
  TermGroup,
} from './ast';
import { PatternSyntaxError } from './errors';
import { checkLength, checkRegexBody, checkRegexCount } from './limits';

const WS = /\s/;
const NAME_CHAR = /[A-Za-z0-9_-]/;
/** Characters of an unquoted value (spec B.2 bare_token, plus `+` so `1e+3` reads as a number). */
const BARE_CHAR = /[A-Za-z0-9_.\-:*+]/;
const NUMBER = /^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const TERM_WORD = /^[A-Za-z0-9_]+$/;
const SPACE_FIELD_NAME = /[A-Za-z0-9_]/;

/**
 * Parse a CloudWatch Logs filter pattern (spec B.1-B.7). Throws PatternSyntaxError, and nothing
 * else, for anything AWS would refuse; the error's position points into `text` as given.
 */
export function parseFilterPattern(text: string): ParseResult {
  checkLength(text);
  const p = new Parser(text);
  const pattern = p.parseTop();
  return { pattern, warnings: p.warnings };
}

class Parser {
  pos = 0;
  readonly warnings: PatternWarning[] = [];
  private regexCount = 0;
  /** The end of the region being parsed (exclusive): the closing `}` or `]`. */
  private end: number;

  constructor(private readonly src: string) {
    this.end = src.length;
  }

  private fail(reason: string, at = this.pos): never {
    throw new PatternSyntaxError(reason, this.src, Math.min(at, this.src.length));
  }

  private warn(code: PatternWarning['code'], message: string, position: number): void {
    this.warnings.push({ code, message, position });
  }

  parseTop(): FilterPattern {
    const src = this.src;
    let first = 0;
    while (first < src.length && WS.test(src[first])) first++;
    let last = src.length;
    while (last > first && WS.test(src[last - 1])) last--;
    const trimmed = src.slice(first, last);
    if (trimmed === '' || trimmed === '" "') return { kind: 'match-all', source: src };
    const open = trimmed[0];
    const close = trimmed[trimmed.length - 1];
    if (open === '{') {
      if (close !== '}') this.fail('a JSON pattern must end with "}"', last);
      this.pos = first + 1;
      this.end = last - 1;
      this.skipWs();
      if (this.pos >= this.end) this.fail('empty JSON pattern', this.pos);
      const expr = this.parseOr();
      this.skipWs();
      if (this.pos < this.end) this.unexpected('"&&", "||" or the closing "}"');
      if (expr.type === 'or') {
        for (const c of expr.children) {
          if (c.type === 'compare' && c.op === '!=') {
            this.warn('not-equals-under-or', `"${c.selector.text} != …" is a top-level alternative of "||": on its own it matches almost every event that has the field`, c.span.start);
          }
        }
      }
      return { kind: 'json', source: src, expr };
    }
    if (open === '[') {
      if (close !== ']') this.fail('a space-delimited pattern must end with "]"', last);
      this.pos = first + 1;
      this.end = last - 1;
      return { kind: 'space', source: src, fields: this.parseSpaceFields() };
    }
    if (open === '%' && close === '%' && trimmed.length >= 2) {
      const span = { start: first, end: last };
      this.regexCount++;
      checkRegexBody(trimmed.slice(1, -1), src, first + 1);
      return { kind: 'regex', source: src, value: { regex: trimmed.slice(1, -1) }, span };
    }
    if (open === '}' || open === ']') this.fail(`unexpected "${open}"`, first);
    this.pos = first;
    this.end = last;
    return { kind: 'term', source: src, groups: this.parseTerms() };
  }

  // ---- shared helpers ----

  private skipWs(): void {
    while (this.pos < this.end && WS.test(this.src[this.pos])) this.pos++;
  }

  private peek(s: string): boolean {
    return this.pos + s.length <= this.end && this.src.startsWith(s, this.pos);
  }

  private unexpected(wanted: string): never {
    if (this.pos >= this.end) this.fail(`expected ${wanted} before the end of the pattern`, this.pos);
    this.fail(`unexpected ${JSON.stringify(this.src[this.pos])}; expected ${wanted}`);
  }

  /** A value after a comparison operator; `stop` lists characters that end an unquoted value. */
  private parseValue(stop: RegExp): PatternValue {
    this.skipWs();
    const start = this.pos;
    if (this.pos >= this.end) this.fail('expected a value', start);
    const c = this.src[this.pos];
    if (c === '"') return this.parseQuoted(true);
    if (c === '%') {
      const close = this.src.indexOf('%', this.pos + 1);
      if (close < 0 || close >= this.end) this.fail('unterminated regular expression: missing the closing "%"', start);
      this.regexCount++;
      checkRegexCount(this.regexCount, this.src, start);
      const body = this.src.slice(start + 1, close);
      checkRegexBody(body, this.src, start + 1);
      this.pos = close + 1;
      return { kind: 'regex', value: { regex: body }, span: { start, end: this.pos } };
    }
    while (this.pos < this.end && BARE_CHAR.test(this.src[this.pos])) this.pos++;
    const raw = this.src.slice(start, this.pos);
    if (raw === '') {
      if (c === '=' || c === '!' || c === '<' || c === '>') this.fail(`unexpected ${JSON.stringify(c)}: there is no "${c}${c === '!' ? '=' : c}" operator`, start);
      this.fail(`expected a value; values with ${JSON.stringify(c)} must be quoted`, start);
    }
    if (this.pos < this.end && !WS.test(this.src[this.pos]) && !stop.test(this.src[this.pos])) {
      this.fail(`unexpected ${JSON.stringify(this.src[this.pos])} in an unquoted value; quote values with characters other than letters, digits and _ . - : *`);
    }
    const span = { start, end: this.pos };
    if (NUMBER.test(raw)) return { kind: 'number', value: Number(raw), raw, span };
    if (raw.includes('+')) this.fail('"+" is only allowed in a number; quote the value', start + raw.indexOf('+'));
    this.noteGlob(raw, start);
    return { kind: 'string', value: raw, quoted: false, span };
  }

  /** `"…"` with `\"` and `\\` as the only escapes; any other backslash stays as written. */
  private parseQuoted(isValue: boolean): PatternValue {
    const start = this.pos;
    let out = '';
    let i = start + 1;
    for (;;) {
      if (i >= this.end) this.fail('unterminated string: missing the closing quote', start);
      const ch = this.src[i];
      if (ch === '"') break;
      if (ch === '\\' && i + 1 < this.end && (this.src[i + 1] === '"' || this.src[i + 1] === '\\')) {
        out += this.src[i + 1];
        i += 2;
        continue;
      }
      out += ch;
      i++;
    }
    this.pos = i + 1;
    if (isValue) this.noteGlob(out, start + 1);
    return { kind: 'string', value: out, quoted: true, span: { start, end: this.pos } };
  }

  private noteGlob(value: string, at: number): void {
    const star = innerStarIndex(parseGlob(value));
    if (star >= 0) {
      this.warn('glob-in-middle', `"*" inside ${JSON.stringify(value)}: AWS documents "*" only at the start or the end of a value; trailproof treats it as a general wildcard`, at + star);
    }
  }

  // ---- JSON patterns (B.2) ----

  private parseOr(): JsonExpr {
    const start = this.pos;
    const first = this.parseAnd();
    const children = [first.node];
    const andPositions = first.andPos === undefined ? [] : [first.andPos];
    let orPos: number | undefined;
    for (;;) {
      this.skipWs();
      if (!this.peek('||')) break;
      orPos ??= this.pos;
      this.pos += 2;
      const next = this.parseAnd();
      if (next.andPos !== undefined) andPositions.push(next.andPos);
      children.push(next.node);
    }
    if (children.length === 1) return first.node;
    if (andPositions.length > 0) {
      this.warn(
        'mixed-and-or',
        '"&&" and "||" mixed without parentheses: "&&" binds tighter, so A || B && C means A || (B && C); add parentheses to say which you mean',
        andPositions[0],
      );
    }
    const flat = children.flatMap((c) => (c.type === 'or' ? c.children : [c]));
    return { type: 'or', children: flat, span: { start, end: this.pos } };
  }

  private parseAnd(): { node: JsonExpr; andPos?: number } {
    const start = this.pos;
    const children = [this.parseUnary()];
    let andPos: number | undefined;
    for (;;) {
      this.skipWs();
      if (!this.peek('&&')) break;
      andPos ??= this.pos;
      this.pos += 2;
      children.push(this.parseUnary());
    }
    this.skipWs();
    if (this.pos < this.end) {
      const c = this.src[this.pos];
      if ((c === '&' || c === '|') && !this.peek('||')) this.fail(`single "${c}": use "${c}${c}"`);
      if (c !== '|' && c !== ')') this.unexpected('"&&", "||" or ")"');
    }
    if (children.length === 1) return { node: children[0] };
    const flat = children.flatMap((c) => (c.type === 'and' ? c.children : [c]));
    return { node: { type: 'and', children: flat, span: { start, end: this.pos } }, andPos };
  }

  private parseUnary(): JsonExpr {
    this.skipWs();
    if (this.peek('(')) {
      const open = this.pos;
      this.pos++;
      this.skipWs();
      if (this.peek(')')) this.fail('empty parentheses', open);
      const inner = this.parseOr();
      this.skipWs();
      if (!this.peek(')')) {
        if (this.pos >= this.end) this.fail('unbalanced "(": missing ")"', open);
        this.unexpected('")"');
      }
      this.pos++;
      return inner;
    }
    return this.parseCondition();
  }

  private parseSelectorRef(): SelectorRef {
    const start = this.pos;
    if (!this.peek('$')) {
      if (this.pos >= this.end) this.fail('expected a condition such as $.eventName = "X"');
      this.fail(`expected a selector starting with "$", found ${JSON.stringify(this.src[this.pos])}`);
    }
    this.pos++;
    while (this.pos < this.end) {
      const c = this.src[this.pos];
      if (c === '.') {
        this.pos++;
        const nameStart = this.pos;
        while (this.pos < this.end && NAME_CHAR.test(this.src[this.pos])) this.pos++;
        if (this.pos === nameStart) this.fail('expected a field name after "." (letters, digits, _ and -)');
      } else if (c === '[') {
        const close = this.src.indexOf(']', this.pos);
        const digits = close < 0 || close >= this.end ? '' : this.src.slice(this.pos + 1, close);
        if (!/^[0-9]+$/.test(digits)) this.fail('expected an array index such as [0]; selectors have no wildcards');
        this.pos = close + 1;
      } else break;
    }
    const text = this.src.slice(start, this.pos);
    if (this.pos < this.end) {
      const c = this.src[this.pos];
      if (!WS.test(c) && !'=!<>'.includes(c)) this.fail(`character ${JSON.stringify(c)} is not allowed in a selector (names are letters, digits, _ and -)`);
    }
    let segments;
    try {
      segments = parseSelector(text);
    } catch (e) {
      if (e instanceof SelectorError) this.fail(e.message, start + e.position);
      throw e;
    }
    return { text, segments, span: { start, end: this.pos } };
  }

  private readWord(): string {
    const s = this.pos;
    while (this.pos < this.end && /[A-Za-z]/.test(this.src[this.pos])) this.pos++;
    return this.src.slice(s, this.pos);
  }

  private parseCondition(): JsonCondition {
    const start = this.pos;
    const selector = this.parseSelectorRef();
    this.skipWs();
    const opStart = this.pos;
    for (const op of ['!=', '<=', '>=', '=', '<', '>'] as CompareOp[]) {
      if (!this.peek(op)) continue;
      this.pos += op.length;
      const value = this.parseValue(/[)&|]/);
      if (op !== '=' && op !== '!=' && value.kind !== 'number') {
        this.fail(`"${op}" compares numbers; ${JSON.stringify(this.src.slice(value.span.start, value.span.end))} is not a number`, value.span.start);
      }
      if (value.kind === 'string' && !value.quoted && /^(true|false|null)$/.test(value.value)) {
        this.warn('literal-true-false-null', `${value.value} here is the string "${value.value}", which never matches a JSON ${value.value}; use IS ${value.value.toUpperCase()}`, value.span.start);
      }
      return { type: 'compare', selector, op, value, span: { start, end: this.pos } };
    }
    const word = this.readWord();
    if (word === '') this.unexpected('a comparison (= != < > <= >=), IS or NOT EXISTS');
    const upper = word.toUpperCase();
    if (upper !== word && (upper === 'IS' || upper === 'NOT' || upper === 'EXISTS')) {
      this.fail(`keywords are upper case: write ${upper}`, opStart);
    }
    if (word === 'EXISTS') this.fail('EXISTS on its own is not supported; use = "*" for "present"', opStart);
    if (word === 'IS') {
      this.skipWs();
      const kwAt = this.pos;
      const kw = this.readWord();
      if (kw === 'NULL' || kw === 'TRUE' || kw === 'FALSE') return { type: 'is', selector, test: kw, span: { start, end: this.pos } };
      if (kw.toUpperCase() === 'NOT') this.fail('IS NOT is not supported; use NOT EXISTS or !=', kwAt);
      if (['NULL', 'TRUE', 'FALSE'].includes(kw.toUpperCase())) this.fail(`keywords are upper case: write ${kw.toUpperCase()}`, kwAt);
      this.fail('expected NULL, TRUE or FALSE after IS', kwAt);
    }
    if (word === 'NOT') {
      this.skipWs();
      const kwAt = this.pos;
      const kw = this.readWord();
      if (kw === 'EXISTS') return { type: 'not-exists', selector, span: { start, end: this.pos } };
      if (kw.toUpperCase() === 'EXISTS') this.fail('keywords are upper case: write EXISTS', kwAt);
      this.fail('expected EXISTS after NOT', kwAt);
    }
    this.fail(`unexpected ${JSON.stringify(word)}; expected a comparison (= != < > <= >=), IS or NOT EXISTS`, opStart);
  }

  // ---- term patterns (B.5) ----

  private parseTerms(): TermGroup[] {
    const groups: TermGroup[] = [];
    let current: TermGroup | undefined;
    let leadingWithoutGroup: number | undefined;
    for (;;) {
      this.skipWs();
      if (this.pos >= this.end) break;
      const start = this.pos;
      let newGroup = false;
      let exclude = false;
      if (this.peek('?')) {
        newGroup = true;
        this.pos++;
      }
      if (this.peek('-')) {
        exclude = true;
        this.pos++;
      }
      let text: string;
      let quoted = false;
      if (this.peek('"')) {
        text = (this.parseQuoted(false) as { value: string }).value;
        quoted = true;
        if (text === '') this.fail('empty term ""', start);
      } else {
        const s = this.pos;
        while (this.pos < this.end && !WS.test(this.src[this.pos])) this.pos++;
        text = this.src.slice(s, this.pos);
        if (text === '') this.fail('expected a term after the prefix', s);
        if (!TERM_WORD.test(text)) {
          const bad = [...text].findIndex((ch) => !/[A-Za-z0-9_]/.test(ch));
          this.fail(`terms with characters other than letters, digits and _ must be quoted: "${text}"`, s + bad);
        }
      }
      if (this.pos < this.end && !WS.test(this.src[this.pos])) this.fail('expected a space between terms');
      const term: Term = { text, quoted, exclude, span: { start, end: this.pos } };
      if (newGroup || !current) {
        if (!newGroup) leadingWithoutGroup = start;
        current = { terms: [] };
        groups.push(current);
      }
      current.terms.push(term);
    }
    if (groups.length === 0) this.fail('empty pattern', this.pos);
    if (groups.length > 1 && leadingWithoutGroup !== undefined) {
      this.warn('term-outside-group', 'terms before the first "?" form a group of their own, ORed with the "?" groups', leadingWithoutGroup);
    }
    return groups;
  }

  // ---- space-delimited patterns (B.6) ----

  private parseSpaceFields(): SpaceField[] {
    const fields: SpaceField[] = [];
    for (;;) {
      this.skipWs();
      const start = this.pos;
      if (this.peek('...')) {
        this.pos += 3;
        fields.push({ type: 'ellipsis', span: { start, end: this.pos } });
      } else {
        const name = this.readFieldName();
        this.skipWs();
        let expr: FieldExpr | undefined;
        if (this.pos < this.end && this.src[this.pos] !== ',') expr = this.parseFieldOr(name);
        fields.push({ type: 'field', name, expr, span: { start, end: this.pos } });
      }
      this.skipWs();
      if (this.pos >= this.end) break;
      if (!this.peek(',')) this.unexpected('"," or "]"');
      this.pos++;
    }
    return fields;
  }

  private readFieldName(): string {
    const s = this.pos;
    while (this.pos < this.end && SPACE_FIELD_NAME.test(this.src[this.pos])) this.pos++;
    if (this.pos === s) this.unexpected('a field name or "..."');
    return this.src.slice(s, this.pos);
  }

  private parseFieldOr(name: string): FieldExpr {
    const children = [this.parseFieldAnd(name, true)];
    for (;;) {
      this.skipWs();
      if (!this.peek('||')) break;
      this.pos += 2;
      children.push(this.parseFieldAnd(name, false));
    }
    return children.length === 1 ? children[0] : { type: 'or', children };
  }

  private parseFieldAnd(name: string, firstHasName: boolean): FieldExpr {
    const children = [this.parseFieldCondition(name, firstHasName)];
    for (;;) {
      this.skipWs();
      if (!this.peek('&&')) break;
      this.pos += 2;
      children.push(this.parseFieldCondition(name, false));
    }
    return children.length === 1 ? children[0] : { type: 'and', children };
  }

  private parseFieldCondition(name: string, nameAlreadyRead: boolean): FieldExpr {
    this.skipWs();
    const start = this.pos;
    if (!nameAlreadyRead) {
      const other = this.readFieldName();
      if (other !== name) this.fail(`a condition inside field "${name}" must test "${name}", not "${other}"`, start);
      this.skipWs();
    }
    for (const op of ['!=', '<=', '>=', '=', '<', '>'] as CompareOp[]) {
      if (!this.peek(op)) continue;
      this.pos += op.length;
      const value = this.parseValue(/[,&|\]]/);
      if (op !== '=' && op !== '!=' && value.kind !== 'number') this.fail(`"${op}" compares numbers`, value.span.start);
      const cond: FieldCondition = { op, value, span: { start, end: this.pos } };
      return { type: 'cond', field: name, cond };
    }
    this.unexpected('a comparison (= != < > <= >=)');
  }
}
