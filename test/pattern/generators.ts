import fc from 'fast-check';
import type { Segment } from '../../src/semantics/selector';
import { isRegexValue } from '../../src/semantics/compare';
import type { JsonExpr } from '../../src/pattern/ast';
import { type Atom, normalize, toDnf } from '../../src/pattern/normal';

/**
 * Events built to sit on the edges of a pattern: its own selectors, filled with its own literal
 * values and their near misses (case variants, prefixes, suffixes, glob expansions), with nulls,
 * booleans, numbers, numeric strings, objects and arrays where scalars are expected, and with
 * parent objects replaced or removed.
 */

const MISSING = Symbol('missing');

interface SelectorInfo {
  segments: readonly Segment[];
  strings: string[];
  numbers: number[];
  regexes: string[];
}

export function selectorsOf(expr: JsonExpr): SelectorInfo[] {
  const dnf = toDnf(normalize(expr), 100000) ?? [];
  const bySel = new Map<string, SelectorInfo>();
  const atoms: Atom[] = dnf.flat();
  for (const a of atoms) {
    let info = bySel.get(a.selector);
    if (!info) {
      info = { segments: a.segments, strings: [], numbers: [], regexes: [] };
      bySel.set(a.selector, info);
    }
    if (a.test.kind !== 'cmp') continue;
    const v = a.test.value;
    if (typeof v === 'number') info.numbers.push(v);
    else if (typeof v === 'string') info.strings.push(v);
    else if (isRegexValue(v)) info.regexes.push(v.regex);
  }
  return [...bySel.values()];
}

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** A string near `lit`: itself, a case variant, a prefix, a suffix, extended, or a glob filled in. */
function nearString(lit: string): fc.Arbitrary<string> {
  const plain = lit.replace(/\*/g, '');
  return fc.oneof(
    fc.constant(lit),
    fc.constant(plain),
    fc.constant(lit.toUpperCase()),
    fc.constant(lit.toLowerCase()),
    fc.constant(swapCase(plain.slice(0, 1)) + plain.slice(1)),
    fc.nat({ max: Math.max(0, plain.length) }).map((n) => plain.slice(0, n)),
    fc.nat({ max: Math.max(0, plain.length) }).map((n) => plain.slice(n)),
    fc.string({ maxLength: 4 }).map((s) => plain + s),
    fc.string({ maxLength: 4 }).map((s) => s + plain),
    fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 4 }).map((fills) => {
      let i = 0;
      return lit.replace(/\*/g, () => fills[i++ % fills.length]);
    }),
    fc.constant(` ${plain}`),
    fc.constant(`${plain} `),
  );
}

/** Strings a regex may or may not match: its literal characters, with and without the anchors' context. */
function nearRegex(body: string): fc.Arbitrary<string> {
  const literal = body
    .replace(/\\s/g, ' ')
    .replace(/\[0-9\]\+?|\\d\+?/g, '123')
    .replace(/\\(.)/g, '$1')
    .replace(/[\^$]/g, '')
    .replace(/[*+?{}[\]|]/g, '');
  return fc.oneof(nearString(literal), fc.string({ maxLength: 4 }).map((s) => s + literal), fc.constant(literal.slice(1)));
}

function scalarFor(info: SelectorInfo): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.boolean(),
    fc.string({ maxLength: 6 }),
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  ];
  for (const s of info.strings) options.push(nearString(s), nearString(s), nearString(s));
  for (const r of info.regexes) options.push(nearRegex(r), nearRegex(r));
  for (const n of info.numbers) {
    options.push(fc.constantFrom(n, n - 1, n + 1, n - 0.5, n + 0.5, -n), fc.constantFrom(String(n), `${n}.0`));
  }
  if (info.strings.length > 0) options.push(fc.constantFrom(...info.strings).map((s) => s.replace(/\*/g, '')));
  return fc.oneof(...options);
}

function valueFor(info: SelectorInfo): fc.Arbitrary<unknown> {
  const scalar = scalarFor(info);
  return fc.oneof(
    { weight: 8, arbitrary: scalar },
    { weight: 1, arbitrary: fc.constant(MISSING) },
    { weight: 1, arbitrary: scalar.map((v) => [v]) },
    { weight: 1, arbitrary: scalar.map((v) => ({ value: v })) },
    { weight: 1, arbitrary: fc.constantFrom({}, [], [null]) },
  );
}

interface Mutation {
  segments: readonly Segment[];
  value: unknown;
}

function mutationFor(info: SelectorInfo): fc.Arbitrary<Mutation> {
  const full = valueFor(info).map((value) => ({ segments: info.segments, value }));
  if (info.segments.length < 2) return full;
  // Sometimes hit a parent instead: a scalar, array or nothing where an object is expected.
  const parent = fc
    .tuple(fc.integer({ min: 1, max: info.segments.length - 1 }), fc.constantFrom<unknown>(MISSING, null, 'x', 0, [], [{}], true))
    .map(([depth, value]) => ({ segments: info.segments.slice(0, depth), value }));
  return fc.oneof({ weight: 5, arbitrary: full }, { weight: 1, arbitrary: parent });
}

function apply(root: Record<string, unknown>, m: Mutation): void {
  let cur: unknown = root;
  m.segments.forEach((seg, i) => {
    const last = i === m.segments.length - 1;
    const holder = cur as Record<string | number, unknown>;
    if (last) {
      if (m.value === MISSING) {
        if (Array.isArray(holder) && typeof seg === 'number') holder.splice(seg, 1);
        else delete holder[seg];
      } else holder[seg] = m.value;
      return;
    }
    const nextIsIndex = typeof m.segments[i + 1] === 'number';
    let next = holder[seg];
    if (next === null || typeof next !== 'object' || Array.isArray(next) !== nextIsIndex) {
      next = nextIsIndex ? [] : {};
      holder[seg] = next;
    }
    if (Array.isArray(next)) {
      const want = m.segments[i + 1] as number;
      while (next.length <= want) next.push({});
    }
    cur = next;
  });
}

/**
 * Records for a pattern: a base (one of `bases`, or empty) with a few of the pattern's selectors
 * set to edge values. Bases give realistic context (examples that match), mutations the edges.
 */
export function eventsFor(expr: JsonExpr, bases: readonly Record<string, unknown>[]): fc.Arbitrary<Record<string, unknown>> {
  const infos = selectorsOf(expr);
  const baseArb = bases.length > 0 ? fc.oneof(fc.constantFrom(...bases), fc.constant({})) : fc.constant({});
  const mutations = infos.length > 0 ? fc.array(fc.oneof(...infos.map(mutationFor)), { maxLength: Math.min(2 * infos.length, 8) }) : fc.constant([]);
  return fc.tuple(baseArb, mutations).map(([base, ms]) => {
    const record = structuredClone(base) as Record<string, unknown>;
    for (const m of ms) apply(record, m);
    return record;
  });
}
