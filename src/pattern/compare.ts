import { parseGlob, spellGlob } from '../semantics/glob';
import type { Segment } from '../semantics/selector';
import type { FilterPattern, PatternKind, PatternWarning } from './ast';
import { PatternSyntaxError } from './errors';
import { matchesRecord } from './evaluate';
import { formatPattern } from './format';
import {
  type Atom,
  type Conjunct,
  conjunctImplies,
  conjunctText,
  evalAtom,
  normalize,
  normalText,
  toDnf,
  unmetAtoms,
  unsatisfiable,
} from './normal';
import { parseFilterPattern } from './parse';

/**
 * Compare two filter patterns by meaning (spec B.9: "parse both, normalise, compare"), for the
 * posture check of a deployed metric filter against a rule's pattern, and for `rules lint`.
 *
 * Both JSON patterns are expanded to an OR of ANDs ("clauses"). A clause of one side is covered
 * when it implies some clause of the other; the implication test is sound (when it says
 * "implies", every event proves it) but not complete, so an exotic rewrite can come out as
 * "narrower-or-different" although it is equivalent. It never says "equivalent" or "broader"
 * wrongly.
 */
export type PatternRelation =
  /** Both match exactly the same events. */
  | 'equivalent'
  /** `actual` matches every event `expected` matches, and more. */
  | 'broader'
  /** `actual` may miss events that `expected` matches (narrower, overlapping or unrelated). */
  | 'narrower-or-different';

export interface ClauseDifference {
  /** One clause (an AND of conditions, the ORs expanded) in canonical text. */
  clause: string;
  /** The other side's clause that comes closest to covering it. */
  closest?: string;
  /** The conditions of `closest` that `clause` does not guarantee: what makes the two differ. */
  unmet?: string[];
}

export interface PatternSide {
  source: string;
  kind: PatternKind;
  /** Canonical text of the normal form (quoting, spacing, order and parentheses unified). */
  normal: string;
  warnings: PatternWarning[];
}

export interface PatternComparison {
  relation: PatternRelation;
  actual: PatternSide;
  expected: PatternSide;
  /** Clauses of `expected` that `actual` does not cover: events the actual filter may not count. */
  missing: ClauseDifference[];
  /** Clauses of `actual` that `expected` does not cover: events counted beyond the expected ones. */
  extra: ClauseDifference[];
  /**
   * True when no clause-by-clause proof was possible (a non-JSON pattern, or one too large to
   * expand) and the result rests on comparing normal forms as text; "equivalent" is still exact.
   */
  approximate: boolean;
  /** How many clauses each side has once expanded (absent when no clause-by-clause proof ran). */
  clauses?: { actual: number; expected: number };
  /** A CloudTrail-like record that one side matches and the other does not, when one was built. */
  witness?: { record: Record<string, unknown>; actualMatches: boolean; expectedMatches: boolean };
}

/**
 * Parse and compare. Throws PatternSyntaxError when a pattern does not parse (or breaks an AWS
 * limit); its `side` property says which one.
 */
export function comparePatterns(actual: string, expected: string): PatternComparison {
  const a = parseSide(actual, 'actual');
  const e = parseSide(expected, 'expected');
  return compareParsed(a.pattern, e.pattern, a.warnings, e.warnings);
}

function parseSide(text: string, side: 'actual' | 'expected') {
  try {
    return parseFilterPattern(text);
  } catch (err) {
    if (err instanceof PatternSyntaxError) err.side = side;
    throw err;
  }
}

export function normalFormText(p: FilterPattern): string {
  return p.kind === 'json' ? `{ ${normalText(normalize(p.expr))} }` : formatPattern(p);
}

function side(p: FilterPattern, warnings: PatternWarning[]): PatternSide {
  return { source: p.source, kind: p.kind, normal: normalFormText(p), warnings };
}

export function compareParsed(
  actual: FilterPattern,
  expected: FilterPattern,
  actualWarnings: PatternWarning[] = [],
  expectedWarnings: PatternWarning[] = [],
): PatternComparison {
  const base = { actual: side(actual, actualWarnings), expected: side(expected, expectedWarnings), missing: [], extra: [] };
  if (actual.kind === 'match-all' || expected.kind === 'match-all') {
    const relation: PatternRelation =
      actual.kind === expected.kind ? 'equivalent' : actual.kind === 'match-all' ? 'broader' : 'narrower-or-different';
    return { ...base, relation, approximate: false };
  }
  if (actual.kind !== 'json' || expected.kind !== 'json') {
    const same = actual.kind === expected.kind && base.actual.normal === base.expected.normal;
    return {
      ...base,
      relation: same ? 'equivalent' : 'narrower-or-different',
      approximate: !same,
      missing: same ? [] : [{ clause: base.expected.normal }],
      extra: same ? [] : [{ clause: base.actual.normal }],
    };
  }
  const da = toDnf(normalize(actual.expr));
  const de = toDnf(normalize(expected.expr));
  // Clause-by-clause proof costs |actual| x |expected| implication tests; beyond this, compare text.
  if (!da || !de || da.length * de.length > 250_000) {
    const same = base.actual.normal === base.expected.normal;
    return { ...base, relation: same ? 'equivalent' : 'narrower-or-different', approximate: !same };
  }
  const missing = uncovered(de, da);
  const extra = uncovered(da, de);
  const relation: PatternRelation = missing.length === 0 ? (extra.length === 0 ? 'equivalent' : 'broader') : 'narrower-or-different';
  const result: PatternComparison = {
    ...base,
    relation,
    missing: missing.map((m) => m.diff),
    extra: extra.map((m) => m.diff),
    approximate: false,
    clauses: { actual: da.length, expected: de.length },
  };
  const witness = findWitness(actual, expected, missing, extra);
  if (witness) result.witness = witness;
  return result;
}

function uncovered(from: Conjunct[], by: Conjunct[]): { conjunct: Conjunct; diff: ClauseDifference }[] {
  const out: { conjunct: Conjunct; diff: ClauseDifference }[] = [];
  for (const c of from) {
    if (by.some((b) => conjunctImplies(c, b))) continue;
    if (unsatisfiable(c)) continue;
    let best: { b: Conjunct; unmet: Atom[] } | undefined;
    for (const b of by) {
      const unmet = unmetAtoms(c, b);
      if (!best || unmet.length < best.unmet.length) best = { b, unmet };
    }
    const diff: ClauseDifference = { clause: conjunctText(c) };
    if (best) {
      diff.closest = conjunctText(best.b);
      diff.unmet = best.unmet.map((a) => a.key);
    }
    out.push({ conjunct: c, diff });
  }
  return out;
}

// ---- witnesses: a concrete record that tells the two apart ----

const same = (piece: string): string => piece;

function candidateValues(atoms: Atom[]): unknown[] {
  const out: unknown[] = [];
  for (const a of atoms) {
    const t = a.test;
    if (t.kind === 'not-exists') out.push(undefined);
    else if (t.kind === 'is') out.push(t.what === 'NULL' ? null : t.what === 'TRUE');
    else if (typeof t.value === 'number') out.push(t.value, t.value + 1, t.value - 1, t.value + 0.5);
    else if (typeof t.value === 'string') {
      // The shortest string the glob takes, one with a character in each star, one it may not take.
      const g = parseGlob(t.value);
      out.push(spellGlob(g, same, ''), spellGlob(g, same, 'x'), `${spellGlob(g, same, '')}x`);
    } else out.push(t.value.regex.replace(/^\^|\$$/g, '').replace(/\\(.)/g, '$1').replace(/[.*+?{}[\]|]/g, ''));
  }
  out.push('trailproof-other', 0, null, true, undefined);
  return out;
}

function setPath(root: Record<string, unknown>, segments: readonly Segment[], value: unknown): void {
  let cur: Record<string, unknown> | unknown[] = root;
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    const nextIsIndex = !last && typeof segments[i + 1] === 'number';
    const slot = cur as Record<string | number, unknown>;
    if (last) {
      slot[seg] = value;
      return;
    }
    let next = slot[seg];
    if (next === null || typeof next !== 'object' || Array.isArray(next) !== nextIsIndex) {
      next = nextIsIndex ? [] : {};
      slot[seg] = next;
    }
    if (Array.isArray(next)) {
      const want = segments[i + 1] as number;
      while (next.length <= want) next.push(null);
    }
    cur = next as Record<string, unknown>;
  });
}

/** A record satisfying every atom of the clause, if simple candidates get there. */
function exampleFor(c: Conjunct): Record<string, unknown> | undefined {
  const bySelector = new Map<string, Atom[]>();
  for (const a of c) bySelector.set(a.selector, [...(bySelector.get(a.selector) ?? []), a]);
  const record: Record<string, unknown> = {};
  const selectors = [...bySelector.keys()].sort((x, y) => bySelector.get(x)![0].segments.length - bySelector.get(y)![0].segments.length);
  for (const sel of selectors) {
    const atoms = bySelector.get(sel)!;
    const value = candidateValues(atoms).find((v) => atoms.every((a) => evalAtom(a, v)));
    if (value === undefined) {
      if (!atoms.every((a) => evalAtom(a, undefined))) return undefined;
      continue;
    }
    setPath(record, atoms[0].segments, value);
  }
  return record;
}

function findWitness(
  actual: FilterPattern,
  expected: FilterPattern,
  missing: { conjunct: Conjunct }[],
  extra: { conjunct: Conjunct }[],
): PatternComparison['witness'] {
  for (const [list, wantActual] of [
    [missing, false],
    [extra, true],
  ] as const) {
    for (const m of list) {
      const record = exampleFor(m.conjunct);
      if (!record) continue;
      const actualMatches = matchesRecord(actual, record);
      const expectedMatches = matchesRecord(expected, record);
      if (actualMatches === wantActual && expectedMatches !== wantActual) return { record, actualMatches, expectedMatches };
    }
  }
  return undefined;
}
