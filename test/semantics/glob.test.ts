import { innerStarIndex, isLiteral, isLoneStar, parseGlob, prefixOf, spellGlob, starCount, suffixOf } from '../../src/semantics/glob';

describe('parseGlob: the literal pieces between the stars', () => {
  test.each([
    ['ConsoleLogin', ['ConsoleLogin']],
    ['*', ['', '']],
    ['Add*', ['Add', '']],
    ['*Policy', ['', 'Policy']],
    ['Put*Policy*', ['Put', 'Policy', '']],
    ['a**b', ['a', '', 'b']],
    ['', ['']],
  ])('%j', (text, parts) => {
    const g = parseGlob(text);
    expect(g.text).toBe(text);
    expect(g.parts).toEqual(parts);
    expect(starCount(g)).toBe(parts.length - 1);
    expect(isLiteral(g)).toBe(parts.length === 1);
  });

  test('the same value is parsed once', () => {
    expect(parseGlob('Delete*')).toBe(parseGlob('Delete*'));
  });
});

describe('matches: `*` is any run of characters, anywhere', () => {
  test.each([
    ['Add*', 'AddPermission20150331', true],
    ['Add*', 'Add', true],
    ['Add*', 'RemovePermission', false],
    ['*Policy', 'PutBucketPolicy', true],
    ['*Policy', 'PolicyPut', false],
    ['a*b', 'ab', true],
    ['a*b', 'axxb', true],
    ['a*b', 'axxbx', false],
    ['a*b*a', 'aba', true],
    ['ab*ba', 'aba', false],
    ['a**b', 'ab', true],
    ['*x*', 'x', true],
    ['*x*', 'yyy', false],
    ['*', '', true],
    ['plain', 'plain', true],
    ['plain', 'plainer', false],
    ['', '', true],
  ])('%j on %j is %s', (glob, s, expected) => {
    expect(parseGlob(glob).matches(s)).toBe(expected);
  });
});

describe('the shapes other languages have a word for', () => {
  test.each([
    ['Add*', 'Add', undefined],
    ['*Policy', undefined, 'Policy'],
    ['*', '', ''],
    ['a*b', undefined, undefined],
    ['a*b*', undefined, undefined],
    ['**', undefined, undefined],
    ['plain', undefined, undefined],
  ])('%j: prefix %j, suffix %j', (text, prefix, suffix) => {
    expect(prefixOf(parseGlob(text))).toBe(prefix);
    expect(suffixOf(parseGlob(text))).toBe(suffix);
  });

  test('only the exact value "*" is the lone star', () => {
    expect(isLoneStar(parseGlob('*'))).toBe(true);
    expect(isLoneStar(parseGlob('**'))).toBe(false);
    expect(isLoneStar(parseGlob('a*'))).toBe(false);
  });

  test.each([
    ['Add*', -1],
    ['*Policy', -1],
    ['*x*', -1],
    ['**', -1],
    ['*', -1],
    ['a*b', 1],
    ['ab**', 2],
    ['*a*b', 2],
  ])('innerStarIndex(%j) is %d: a star AWS does not document', (text, at) => {
    expect(innerStarIndex(parseGlob(text))).toBe(at);
  });

  test('spellGlob maps each literal piece and writes the stars in the target language', () => {
    expect(spellGlob(parseGlob('a.b*c'), (p) => p.replace(/\./g, '\\.'), '.*')).toBe('a\\.b.*c');
    expect(spellGlob(parseGlob('*50%_off*'), (p) => p.replace(/[%_]/g, '\\$&'), '%')).toBe('%50\\%\\_off%');
    expect(spellGlob(parseGlob('plain'), (p) => `<${p}>`, '?')).toBe('<plain>');
  });
});
