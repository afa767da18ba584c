import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import type { LeafCondition } from './conditions';
import { parseSelector } from '../semantics/selector';
import { isRegexValue } from '../semantics/compare';
import { type Glob, isLiteral, isLoneStar, parseGlob } from '../semantics/glob';

type AnyCondition = TopLevelCondition | NestedCondition;

/**
 * What any matching record must contain, derived from a rule's conditions so the fast path can
 * skip records without evaluating (or even parsing) them. Both functions are conservative: a
 * `null` answer means "no requirement found, always evaluate". Never wrong in the other direction,
 * which test/engine/fast-matcher.test.ts (on real events) and text-screen.test.ts (generated files) check.
 */

/**
 * The eventName values a match must have: exact names, and `*` globs (cwEquals semantics, see
 * semantics.ts) for rules such as `AddPermission*` that pin a family of API versions. null when the
 * rule does not pin eventName (or pins it only with a lone `*`, which also matches numbers).
 */
export interface EventNameRequirement {
  names: Set<string>;
  globs: Set<string>;
}

export function requiredEventNamePatterns(cond: AnyCondition): EventNameRequirement | null {
  const c = cond as Record<string, unknown>;
  if (Array.isArray(c.all)) {
    let best: EventNameRequirement | null = null;
    for (const x of c.all as AnyCondition[]) {
      const s = requiredEventNamePatterns(x);
      // Exact names beat globs (a Map lookup instead of a test per glob); then fewer values.
      if (s && (!best || rank(s) < rank(best))) best = s;
    }
    return best;
  }
  if (Array.isArray(c.any)) {
    const union: EventNameRequirement = { names: new Set(), globs: new Set() };
    for (const x of c.any as AnyCondition[]) {
      const s = requiredEventNamePatterns(x);
      if (!s) return null;
      for (const v of s.names) union.names.add(v);
      for (const v of s.globs) union.globs.add(v);
    }
    return union;
  }
  if (typeof c.fact !== 'string') return null;
  const leaf = c as unknown as LeafCondition;
  if (leaf.path !== '$.eventName') return null;
  const values = leaf.operator === 'cwIn' ? (leaf.value as unknown[]) : leaf.operator === 'cwEquals' ? [leaf.value] : null;
  if (!values || !values.every((v) => typeof v === 'string' && !isLoneStar(parseGlob(v)))) return null;
  const out: EventNameRequirement = { names: new Set(), globs: new Set() };
  for (const v of values as string[]) (isLiteral(parseGlob(v)) ? out.names : out.globs).add(v);
  return out;
}

function rank(r: EventNameRequirement): number {
  return r.globs.size * 1e6 + r.names.size;
}

/** The exact eventName values a match must have, or null when the rule does not pin them exactly. */
export function requiredEventNames(cond: AnyCondition): Set<string> | null {
  const r = requiredEventNamePatterns(cond);
  return r && r.globs.size === 0 ? r.names : null;
}

function lastName(path: string | undefined): string | null {
  if (!path) return null;
  const segs = parseSelector(path);
  for (let i = segs.length - 1; i >= 0; i--) if (typeof segs[i] === 'string') return segs[i] as string;
  return null;
}

/** The longest literal run of a `*` glob as it must appear in JSON text, quote anchors included. */
function globToken(glob: Glob): string | null {
  const parts = glob.parts.map((p) => JSON.stringify(p).slice(1, -1));
  parts[0] = `"${parts[0]}`;
  parts[parts.length - 1] = `${parts[parts.length - 1]}"`;
  let best = '';
  for (const p of parts) if (p.length > best.length) best = p;
  return best.length > 1 ? best : null;
}

/**
 * Substrings of which at least one must occur in the raw JSON text of a matching record (provided
 * the text uses no `\u` or `\/` escapes, which callers check). null: no such list.
 */
export function requiredTokens(cond: AnyCondition): string[] | null {
  return tokenRequirement(cond)?.tokens ?? null;
}

interface TokenRequirement {
  tokens: string[];
  /** Only key names: present in most records, so a poor filter; any value token beats it. */
  weak: boolean;
}

function tokenRequirement(cond: AnyCondition): TokenRequirement | null {
  const c = cond as Record<string, unknown>;
  if (Array.isArray(c.all)) {
    let best: TokenRequirement | null = null;
    let bestScore = -1;
    for (const x of c.all as AnyCondition[]) {
      const t = tokenRequirement(x);
      if (!t) continue;
      // Value tokens first; then fewer alternatives and longer tokens reject more records.
      const score = (t.weak ? 0 : 1e6) + Math.min(...t.tokens.map((s) => s.length)) / t.tokens.length;
      if (score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    return best;
  }
  if (Array.isArray(c.any)) {
    const out: string[] = [];
    let weak = false;
    for (const x of c.any as AnyCondition[]) {
      const t = tokenRequirement(x);
      if (!t) return null;
      out.push(...t.tokens);
      weak ||= t.weak;
    }
    return { tokens: [...new Set(out)], weak };
  }
  if (typeof c.fact !== 'string') return null;
  const leaf = c as unknown as LeafCondition;
  const key = lastName(leaf.path);
  const keyToken: TokenRequirement | null = key ? { tokens: [JSON.stringify(key)], weak: true } : null;
  switch (leaf.operator) {
    case 'cwNotExists':
      return null;
    case 'cwEquals':
    case 'cwIn': {
      const values = leaf.operator === 'cwIn' ? (leaf.value as unknown[]) : [leaf.value];
      const out: string[] = [];
      for (const v of values) {
        if (typeof v !== 'string' || isRegexValue(v)) return keyToken;
        const g = parseGlob(v);
        const t = isLiteral(g) ? JSON.stringify(v) : globToken(g);
        if (!t) return keyToken;
        out.push(t);
      }
      return { tokens: out, weak: false };
    }
    default:
      // Every other comparison is false on a missing field, so the key must be there.
      return keyToken;
  }
}
