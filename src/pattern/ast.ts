import type { RegexValue } from '../model/condition';
import type { Segment } from '../semantics/selector';

/** Offsets into the pattern text exactly as given (before trimming), end exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/**
 * A comparison value. `quoted` only records how it was written: a quoted string and a bare word
 * mean the same thing (spec B.2), so the normal form ignores it. A bare numeric token is a
 * number, a quoted one a string (semantics.ts choice 3).
 */
export type PatternValue =
  | { kind: 'string'; value: string; quoted: boolean; span: Span }
  | { kind: 'number'; value: number; raw: string; span: Span }
  | { kind: 'regex'; value: RegexValue; span: Span };

export interface SelectorRef {
  /** The selector as written, e.g. `$.userIdentity.type`. */
  text: string;
  segments: Segment[];
  span: Span;
}

export type JsonCondition =
  | { type: 'compare'; selector: SelectorRef; op: CompareOp; value: PatternValue; span: Span }
  | { type: 'is'; selector: SelectorRef; test: 'NULL' | 'TRUE' | 'FALSE'; span: Span }
  | { type: 'not-exists'; selector: SelectorRef; span: Span };

/** `and`/`or` are n-ary; parentheses leave no node of their own. */
export type JsonExpr =
  | JsonCondition
  | { type: 'and'; children: JsonExpr[]; span: Span }
  | { type: 'or'; children: JsonExpr[]; span: Span };

/** One unstructured term: a word or quoted phrase, `-` excludes it. */
export interface Term {
  text: string;
  quoted: boolean;
  exclude: boolean;
  span: Span;
}

/** Terms ANDed together; a term pattern matches when any group matches (`?` starts a group). */
export interface TermGroup {
  terms: Term[];
}

/** One condition on a space-delimited field: `status_code = 4*`. */
export interface FieldCondition {
  op: CompareOp;
  value: PatternValue;
  span: Span;
}

export type FieldExpr =
  | { type: 'cond'; field: string; cond: FieldCondition }
  | { type: 'and'; children: FieldExpr[] }
  | { type: 'or'; children: FieldExpr[] };

export type SpaceField =
  | { type: 'ellipsis'; span: Span }
  | { type: 'field'; name: string; expr?: FieldExpr; span: Span };

export type FilterPattern =
  | { kind: 'match-all'; source: string }
  | { kind: 'json'; source: string; expr: JsonExpr }
  | { kind: 'regex'; source: string; value: RegexValue; span: Span }
  | { kind: 'term'; source: string; groups: TermGroup[] }
  | { kind: 'space'; source: string; fields: SpaceField[] };

export type PatternKind = FilterPattern['kind'];

export type WarningCode =
  | 'mixed-and-or'
  | 'glob-in-middle'
  | 'not-equals-under-or'
  | 'term-outside-group'
  | 'literal-true-false-null';

/** Something AWS accepts that probably does not mean what its author meant. */
export interface PatternWarning {
  code: WarningCode;
  message: string;
  position: number;
}

export interface ParseResult {
  pattern: FilterPattern;
  warnings: PatternWarning[];
}
