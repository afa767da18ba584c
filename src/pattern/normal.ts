import type { Segment } from '../semantics/selector';
import type { CompareValue } from '../model/condition';
import { cwIsFalse, cwIsNull, cwIsTrue, cwNotExists, isRegexValue } from '../semantics/compare';
import { isLiteral, isLoneStar, parseGlob } from '../semantics/glob';
import type { CompareOp, JsonCondition, JsonExpr } from './ast';
import { compare } from './evaluate';
import { formatCompareValue, formatSegments } from './format';

/**
 * Normal form of JSON patterns, for comparing them by meaning rather than by text: quoting,
 * whitespace, redundant parentheses, clause order and duplicates do not count.
 */

export type AtomTest =
  | { kind: 'cmp'; op: CompareOp; value: CompareValue }
  | { kind: 'is'; what: 'NULL' | 'TRUE' | 'FALSE' }
  | { kind: 'not-exists' };

/** One condition, reduced to what decides its truth. */
export interface Atom {
  selector: string;
  segments: readonly Segment[];
  test: AtomTest;
  /** Canonical text, e.g. `$.eventName = "ConsoleLogin"`; equal keys mean equal atoms. */
  key: string;
}

export type NormalNode = { type: 'atom'; atom: Atom } | { type: 'and' | 'or'; children: NormalNode[]; key: string };

function atomOf(c: JsonCondition): Atom {
  const selector = formatSegments(c.selector.segments);
  const test: AtomTest =
    c.type === 'compare' ? { kind: 'cmp', op: c.op, value: c.value.value } : c.type === 'is' ? { kind: 'is', what: c.test } : { kind: 'not-exists' };
  return makeAtom(selector, c.selector.segments, test);
}

function makeAtom(selector: string, segments: readonly Segment[], test: AtomTest): Atom {
  const key =
    test.kind === 'cmp' ? `${selector} ${test.op} ${formatCompareValue(test.value)}` : test.kind === 'is' ? `${selector} IS ${test.what}` : `${selector} NOT EXISTS`;
  return { selector, segments, test, key };
}

/** Truth of an atom for a resolved value (`undefined` = missing); the semantics are semantics.ts's. */
export function evalAtom(a: Atom, actual: unknown): boolean {
  switch (a.test.kind) {
    case 'cmp':
      return compare(actual, a.test.op, a.test.value);
    case 'is':
      return a.test.what === 'NULL' ? cwIsNull(actual) : a.test.what === 'TRUE' ? cwIsTrue(actual) : cwIsFalse(actual);
    case 'not-exists':
      return cwNotExists(actual);
  }
}

function nodeKey(n: NormalNode): string {
  return n.type === 'atom' ? n.atom.key : n.key;
}

/** Flatten, deduplicate and sort; a one-child `and`/`or` is its child. */
export function normalize(e: JsonExpr): NormalNode {
  if (e.type !== 'and' && e.type !== 'or') return { type: 'atom', atom: atomOf(e) };
  const byKey = new Map<string, NormalNode>();
  for (const c of e.children) {
    const n = normalize(c);
    const parts = n.type === e.type ? (n as { children: NormalNode[] }).children : [n];
    for (const p of parts) byKey.set(nodeKey(p), p);
  }
  const children = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
  if (children.length === 1) return children[0];
  const sep = e.type === 'and' ? ' && ' : ' || ';
  const key = `(${children.map(nodeKey).join(sep)})`;
  return { type: e.type, children, key };
}

export function normalText(n: NormalNode): string {
  const k = nodeKey(n);
  return n.type === 'atom' ? k : k.slice(1, -1);
}

/** A conjunction of atoms, sorted by key and without duplicates. */
export type Conjunct = Atom[];

/**
 * Disjunctive normal form: an OR of ANDs of atoms. Returns undefined when it would exceed
 * `limit` conjuncts (the CIS patterns need at most a few dozen).
 */
export function toDnf(n: NormalNode, limit = 4096): Conjunct[] | undefined {
  const go = (m: NormalNode): Conjunct[] | undefined => {
    if (m.type === 'atom') return [[m.atom]];
    if (m.type === 'or') {
      const out: Conjunct[] = [];
      for (const c of m.children) {
        const d = go(c);
        if (!d) return undefined;
        out.push(...d);
        if (out.length > limit) return undefined;
      }
      return out;
    }
    let acc: Conjunct[] = [[]];
    for (const c of m.children) {
      const d = go(c);
      if (!d) return undefined;
      if (acc.length * d.length > limit) return undefined;
      const next: Conjunct[] = [];
      for (const a of acc) for (const b of d) next.push([...a, ...b]);
      acc = next;
    }
    return acc;
  };
  const raw = go(n);
  if (!raw) return undefined;
  const seen = new Set<string>();
  const out: Conjunct[] = [];
  for (const c of raw) {
    const byKey = new Map(c.map((a) => [a.key, a]));
    const sorted = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
    const key = sorted.map((a) => a.key).join(' && ');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(sorted);
  }
  return out;
}

export function conjunctText(c: Conjunct): string {
  return c.map((a) => a.key).join(' && ');
}

// ---- implication between atoms and conjuncts (sound, not complete) ----

type Pin = { value: unknown };

/** The single value an atom allows, when it allows exactly one. */
function pinnedValue(a: Atom): Pin | undefined {
  const t = a.test;
  if (t.kind === 'not-exists') return { value: undefined };
  if (t.kind === 'is') return { value: t.what === 'NULL' ? null : t.what === 'TRUE' };
  if (t.op !== '=') return undefined;
  if (typeof t.value === 'number') return { value: t.value };
  if (typeof t.value === 'string' && isLiteral(parseGlob(t.value))) return { value: t.value };
  return undefined;
}

interface Interval {
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}

/** The numbers a numeric atom allows (it also guarantees a JSON number). */
function intervalOf(a: Atom): Interval | undefined {
  const t = a.test;
  if (t.kind !== 'cmp' || typeof t.value !== 'number') return undefined;
  const v = t.value;
  switch (t.op) {
    case '<':
      return { lo: -Infinity, loIn: false, hi: v, hiIn: false };
    case '<=':
      return { lo: -Infinity, loIn: false, hi: v, hiIn: true };
    case '>':
      return { lo: v, loIn: false, hi: Infinity, hiIn: false };
    case '>=':
      return { lo: v, loIn: true, hi: Infinity, hiIn: false };
    case '=':
      return { lo: v, loIn: true, hi: v, hiIn: true };
    default:
      return undefined;
  }
}

function inInterval(x: number, i: Interval): boolean {
  return (x > i.lo || (i.loIn && x === i.lo)) && (x < i.hi || (i.hiIn && x === i.hi));
}

function intervalWithin(a: Interval, b: Interval): boolean {
  const loOk = a.lo > b.lo || (a.lo === b.lo && (b.loIn || !a.loIn));
  const hiOk = a.hi < b.hi || (a.hi === b.hi && (b.hiIn || !a.hiIn));
  return loOk && hiOk;
}

/** True when the atom can only hold for a present, non-null scalar. */
function guaranteesNonNullScalar(a: Atom): boolean {
  const t = a.test;
  if (t.kind === 'is') return t.what !== 'NULL';
  return t.kind === 'cmp' && t.op !== '!=';
}

function lonestar(v: CompareValue): boolean {
  return typeof v === 'string' && isLoneStar(parseGlob(v));
}

/** Is `b` true whenever `a` is (both on the same selector)? */
function atomImplies(a: Atom, b: Atom): boolean {
  if (a.key === b.key) return true;
  const pin = pinnedValue(a);
  if (pin) return evalAtom(b, pin.value);
  const ta = a.test;
  const tb = b.test;
  if (tb.kind !== 'cmp') return false;
  if (tb.op === '=' && lonestar(tb.value)) return guaranteesNonNullScalar(a);
  if (ta.kind !== 'cmp') return false;
  const ia = intervalOf(a);
  if (ia) {
    if (tb.op === '!=') return typeof tb.value === 'number' ? !inInterval(tb.value, ia) : !lonestar(tb.value);
    const ib = intervalOf(b);
    return ib !== undefined && intervalWithin(ia, ib);
  }
  if (ta.op === '=' && typeof ta.value === 'string') {
    // a glob: every value it allows is a non-null string.
    if (tb.op === '=' && typeof tb.value === 'string') return parseGlob(tb.value).matches(ta.value);
    if (tb.op === '!=') {
      if (typeof tb.value === 'number') return true;
      if (typeof tb.value === 'string' && isLiteral(parseGlob(tb.value))) return !parseGlob(ta.value).matches(tb.value);
    }
    return false;
  }
  if (ta.op === '=' && isRegexValue(ta.value)) return tb.op === '!=' && typeof tb.value === 'number';
  return false;
}

function isPrefix(p: readonly Segment[], s: readonly Segment[]): boolean {
  return p.length < s.length && p.every((x, i) => s[i] === x);
}

/**
 * Is `b` guaranteed by the conjunct? Any atom on a strict prefix of b's selector forces b's path
 * missing: every test is false on objects and arrays, except NOT EXISTS which means missing.
 */
function conjunctImpliesAtom(c: Conjunct, b: Atom): boolean {
  for (const a of c) {
    if (a.selector === b.selector && atomImplies(a, b)) return true;
    if (isPrefix(a.segments, b.segments) && evalAtom(b, undefined)) return true;
  }
  return false;
}

/** A conjunct no event can satisfy (it implies everything). */
export function unsatisfiable(c: Conjunct): boolean {
  for (const a of c) {
    const pin = pinnedValue(a);
    for (const b of c) {
      if (b === a) continue;
      if (isPrefix(a.segments, b.segments) && !evalAtom(b, undefined)) return true;
      if (b.selector !== a.selector) continue;
      if (pin && !evalAtom(b, pin.value)) return true;
      const ia = intervalOf(a);
      const ib = intervalOf(b);
      if (ia && ib) {
        const lo = Math.max(ia.lo, ib.lo);
        const hi = Math.min(ia.hi, ib.hi);
        if (lo > hi) return true;
      }
      if (guaranteesNonNullScalar(a) && b.test.kind === 'is' && b.test.what === 'NULL') return true;
    }
  }
  return false;
}

export function conjunctImplies(a: Conjunct, b: Conjunct): boolean {
  return unsatisfiable(a) || b.every((atom) => conjunctImpliesAtom(a, atom));
}

/** Atoms of `b` that conjunct `a` does not guarantee. */
export function unmetAtoms(a: Conjunct, b: Conjunct): Atom[] {
  return b.filter((atom) => !conjunctImpliesAtom(a, atom));
}
