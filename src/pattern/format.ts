import type { Segment } from '../semantics/selector';
import type { CompareValue } from '../model/condition';
import { isRegexValue } from '../semantics/compare';
import type { FieldExpr, FilterPattern, JsonCondition, JsonExpr, PatternValue } from './ast';

/**
 * Canonical text for patterns: strings always quoted (a bare word and a quoted string mean the
 * same), numbers as JavaScript prints them, one space around operators, parentheses only where
 * `&&` would otherwise capture an `||`. Parsing the output gives back the same meaning.
 */

function quoteString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function formatCompareValue(v: CompareValue): string {
  if (typeof v === 'number') return String(v);
  if (isRegexValue(v)) return `%${v.regex}%`;
  return quoteString(v);
}

function formatValue(v: PatternValue): string {
  return formatCompareValue(v.value);
}

export function formatSegments(segments: readonly Segment[]): string {
  return '$' + segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

function formatCondition(c: JsonCondition): string {
  const sel = formatSegments(c.selector.segments);
  switch (c.type) {
    case 'compare':
      return `${sel} ${c.op} ${formatValue(c.value)}`;
    case 'is':
      return `${sel} IS ${c.test}`;
    case 'not-exists':
      return `${sel} NOT EXISTS`;
  }
}

/** Without the surrounding braces. */
export function formatJsonExpr(e: JsonExpr, insideAnd = false): string {
  switch (e.type) {
    case 'and':
      return e.children.map((c) => formatJsonExpr(c, true)).join(' && ');
    case 'or': {
      const s = e.children.map((c) => formatJsonExpr(c, false)).join(' || ');
      return insideAnd ? `(${s})` : s;
    }
    default:
      return formatCondition(e);
  }
}

function formatField(e: FieldExpr): string {
  switch (e.type) {
    case 'and':
      return e.children.map(formatField).join(' && ');
    case 'or':
      return e.children.map(formatField).join(' || ');
    case 'cond':
      return `${e.field} ${e.cond.op} ${formatValue(e.cond.value)}`;
  }
}

export function formatPattern(p: FilterPattern): string {
  switch (p.kind) {
    case 'match-all':
      return '';
    case 'json':
      return `{ ${formatJsonExpr(p.expr)} }`;
    case 'regex':
      return `%${p.value.regex}%`;
    case 'term':
      return p.groups
        .map((g, gi) =>
          g.terms
            .map((t, ti) => `${gi > 0 && ti === 0 ? '?' : ''}${t.exclude ? '-' : ''}${quoteString(t.text)}`)
            .join(' '),
        )
        .join(' ')
        .replace(/^/, p.groups.length > 1 ? '?' : '');
    case 'space':
      return `[${p.fields.map((f) => (f.type === 'ellipsis' ? '...' : f.expr ? formatField(f.expr) : f.name)).join(', ')}]`;
  }
}
