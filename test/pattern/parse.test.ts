import type { JsonExpr } from '../../src/pattern/ast';
import { PatternSyntaxError } from '../../src/pattern/errors';
import { formatPattern } from '../../src/pattern/format';
import { parseFilterPattern } from '../../src/pattern/parse';

function rejects(pattern: string): PatternSyntaxError {
  try {
    parseFilterPattern(pattern);
  } catch (e) {
    if (e instanceof PatternSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(pattern)} to be rejected`);
}

function json(pattern: string): JsonExpr {
  const p = parseFilterPattern(pattern).pattern;
  if (p.kind !== 'json') throw new Error(`not json: ${p.kind}`);
  return p.expr;
}

describe('pattern kind (B.1)', () => {
  test.each([
    ['', 'match-all'],
    ['   ', 'match-all'],
    ['" "', 'match-all'],
    ['{ $.a = 1 }', 'json'],
    ['  {$.a=1}  ', 'json'],
    ['[a, b]', 'space'],
    ['%abc%', 'regex'],
    ['ERROR', 'term'],
    ['"quoted phrase" -x', 'term'],
  ])('%j is %s', (p, kind) => expect(parseFilterPattern(p).pattern.kind).toBe(kind));
});

describe('JSON grammar (B.2)', () => {
  test('selectors with names, indexes and nesting', () => {
    const e = json('{ $.objectList[1].id = 2 && $.c[0][1] = 3 && $.a-b_c = x }');
    expect(e.type).toBe('and');
    const sels = (e as { children: JsonExpr[] }).children.map((c) => (c as { selector: { segments: unknown[] } }).selector.segments);
    expect(sels).toEqual([['objectList', 1, 'id'], ['c', 0, 1], ['a-b_c']]);
  });
  test('all six operators and three keyword forms', () => {
    for (const op of ['=', '!=', '<', '>', '<=', '>=']) {
      const e = json(`{ $.n ${op} 5 }`);
      expect(e).toMatchObject({ type: 'compare', op, value: { kind: 'number', value: 5 } });
    }
    expect(json('{ $.f IS NULL }')).toMatchObject({ type: 'is', test: 'NULL' });
    expect(json('{ $.f IS TRUE }')).toMatchObject({ type: 'is', test: 'TRUE' });
    expect(json('{ $.f IS FALSE }')).toMatchObject({ type: 'is', test: 'FALSE' });
    expect(json('{ $.f NOT EXISTS }')).toMatchObject({ type: 'not-exists' });
  });
  test('value kinds: quoted, bare, number, regex, wildcard', () => {
    expect(json('{ $.a = "x y" }')).toMatchObject({ value: { kind: 'string', value: 'x y', quoted: true } });
    expect(json('{ $.a = 123.123.* }')).toMatchObject({ value: { kind: 'string', value: '123.123.*', quoted: false } });
    expect(json('{ $.a = kms.amazonaws.com }')).toMatchObject({ value: { kind: 'string', value: 'kms.amazonaws.com' } });
    expect(json('{ $.a = arn:aws:iam::1:root }')).toMatchObject({ value: { kind: 'string', value: 'arn:aws:iam::1:root' } });
    expect(json('{ $.a = -1.5e-3 }')).toMatchObject({ value: { kind: 'number', value: -0.0015 } });
    expect(json('{ $.a = %ab[0-9]+% }')).toMatchObject({ value: { kind: 'regex', value: { regex: 'ab[0-9]+' } } });
    expect(json('{ $.a = * }')).toMatchObject({ value: { kind: 'string', value: '*' } });
  });
  test('&& binds tighter than ||; parentheses regroup; nested groups flatten', () => {
    expect(formatPattern(parseFilterPattern('{ $.a = 1 || $.b = 2 && $.c = 3 }').pattern)).toBe('{ $.a = 1 || $.b = 2 && $.c = 3 }');
    const grouped = json('{ ($.a = 1 || $.b = 2) && $.c = 3 }');
    expect(grouped.type).toBe('and');
    expect(json('{ (($.a = 1)) && (($.b = 2) && ($.c = 3)) }')).toMatchObject({ type: 'and', children: [{}, {}, {}] });
  });
  test('spans point into the pattern as given', () => {
    const text = '  { $.eventName = "X" }';
    const e = json(text);
    expect(e.type === 'compare' && text.slice(e.selector.span.start, e.selector.span.end)).toBe('$.eventName');
    expect(e.type === 'compare' && text.slice(e.value.span.start, e.value.span.end)).toBe('"X"');
  });
  test('format then parse gives the same canonical text', () => {
    const text = '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }';
    const once = formatPattern(parseFilterPattern(text).pattern);
    expect(formatPattern(parseFilterPattern(once).pattern)).toBe(once);
    expect(once).toBe('{ $.eventSource = "kms.amazonaws.com" && ($.eventName = "DisableKey" || $.eventName = "ScheduleKeyDeletion") }');
  });
});

describe('rejections point at the offending position', () => {
  test.each([
    ['{ $.a = 1', 9, /must end with "}"/],
    ['{ }', 2, /empty JSON pattern/],
    ['{ $.a = 1 & $.b = 2 }', 10, /single "&"/],
    ['{ $.a = 1 | $.b = 2 }', 10, /single "\|"/],
    ['{ $.a == 1 }', 7, /no "==" operator/],
    ['{ $.a = }', 8, /expected a value/],
    ['{ $.a = "open }', 8, /unterminated string/],
    ['{ ($.a = 1 }', 2, /unbalanced "\("/],
    ['{ () }', 2, /empty parentheses/],
    ['{ $.a = 1) }', 9, /unexpected "\)"/],
    ['{ a = 1 }', 2, /selector starting with "\$"/],
    ['{ $ = 1 }', 3, /selector names no field/],
    ['{ $.a = x y }', 10, /unexpected "y"|expected "&&"/],
    ['{ $.a = a+b }', 9, /"\+" is only allowed in a number/],
    ['{ $.a = x;y }', 9, /quote values/],
    ['{ $.a IS MAYBE }', 9, /NULL, TRUE or FALSE/],
    ['{ $.a LIKE 1 }', 6, /expected a comparison/],
    ['ERROR:1', 5, /must be quoted/],
    ['"unterminated', 0, /unterminated/],
    ['[a, b', 5, /must end with "]"/],
    ['[a,, b]', 3, /field name/],
    ['[a = 1 && b = 2]', 10, /must test "a"/],
    ['}', 0, /unexpected "}"/],
  ])('%j at %d', (p, pos, re) => {
    const e = rejects(p);
    expect(e.reason).toMatch(re);
    expect(e.position).toBe(pos);
  });
  test('the caret line points under the position', () => {
    const e = rejects('{ $.a = %a(b)% }');
    expect(e.caret()).toBe('{ $.a = %a(b)% }\n          ^');
  });
});

describe('AWS limits (B.4, B.7)', () => {
  const clause = (i: number) => `($.eventName = "Event${String(i).padStart(4, '0')}")`;
  test('1024 characters are accepted, 1025 are not', () => {
    let body = clause(0);
    let i = 1;
    while (`{${body} || ${clause(i)}}`.length <= 1024) body += ` || ${clause(i++)}`;
    const exact = `{${body}}`.padEnd(1023, ' ') + ' ';
    expect(exact.length).toBe(1024);
    expect(parseFilterPattern(exact).pattern.kind).toBe('json');
    const e = rejects(`${exact} `);
    expect(e.reason).toMatch(/at most 1024/);
    expect(e.position).toBe(1024);
  });
  test('at most two regexes per pattern; the third is refused where it starts', () => {
    expect(parseFilterPattern('{ $.a = %x% || $.b = %y% }').pattern.kind).toBe('json');
    const e = rejects('{ $.a = %x% || $.b = %y% || $.c = %z% }');
    expect(e.reason).toMatch(/at most 2 regular expressions/);
    expect(e.position).toBe(34);
    expect(rejects('[a = %x%, b = %y%, c = %z%]').position).toBe(23);
  });
  test.each([
    ['%a(b)%', 2, /groups/],
    ['%a)%', 2, /groups/],
    ['%a!%', 2, /"!" is not allowed/],
    ['%caf\u00e9%', 4, /multi-byte/],
    ['%a b%', 2, /space/],
    ['%a"b%', 2, /not allowed/],
    ['%%', 0, /empty regular expression/],
    ['%[a%', 1, /invalid regular expression/],
    ['{ $.a = %x }', 8, /unterminated regular expression/],
  ])('regex %j rejected at %d', (p, pos, re) => {
    const e = rejects(p);
    expect(e.reason).toMatch(re);
    expect(e.position).toBe(pos);
  });
  test('the allowed regex character set is accepted', () => {
    expect(parseFilterPattern('%^[A-Za-z0-9_#=@/;,:-]+\\.x{1,3}|y?z*$%').pattern.kind).toBe('regex');
  });
});

describe('term and space-delimited grammar', () => {
  test('term groups: ? starts an OR group, - excludes, quotes make phrases', () => {
    const p = parseFilterPattern('?"a b" c ?-d ?e').pattern;
    expect(p).toMatchObject({
      kind: 'term',
      groups: [
        { terms: [{ text: 'a b', quoted: true }, { text: 'c', exclude: false }] },
        { terms: [{ text: 'd', exclude: true }] },
        { terms: [{ text: 'e' }] },
      ],
    });
  });
  test('terms before the first ? form their own group, with a warning', () => {
    const r = parseFilterPattern('ERROR ?WARN');
    expect(r.warnings.map((w) => w.code)).toEqual(['term-outside-group']);
  });
  test('space-delimited fields, ellipsis and field conditions', () => {
    const p = parseFilterPattern('[ip, ..., status = 4* || status = 5*, bytes > 1000]').pattern;
    expect(p.kind === 'space' && p.fields.map((f) => f.type)).toEqual(['field', 'ellipsis', 'field', 'field']);
  });
});
