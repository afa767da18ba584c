/**
 * A rule's conditions as one typed tree (the condition IR). Rule files keep json-rules-engine's
 * notation (all/any/not and {fact, path, operator, value} leaves), which json-rules-engine itself
 * still evaluates as the reference; everything else that reads conditions (the compiled matcher,
 * the scan's requirements and screen, the conversion to filter patterns, the EventBridge, data-event
 * and SQL translations, the rule checks) walks this tree instead, built once by
 * src/semantics/condition-json.ts, which also reports a bad node with its file and JSON pointer.
 */

/** Marker for a `%regex%` value in rule conditions and the pattern AST. */
export interface RegexValue {
  regex: string;
}

/** What a CloudWatch comparison compares a field with. */
export type CompareValue = string | number | RegexValue;

export type NumericOp = '<' | '>' | '<=' | '>=';

interface At {
  /** JSON pointer of the node in its rule file, e.g. `/conditions/all/2`. */
  readonly pointer: string;
}

/** A leaf comparing one field of a fact with CloudWatch semantics (the `cw*` operators). */
interface FieldTest extends At {
  readonly fact: string;
  /** A CloudWatch selector, `$.a.b[0]`, known to parse. */
  readonly path: string;
}

export interface AllCondition extends At {
  readonly kind: 'all';
  readonly children: readonly ConditionNode[];
}

export interface AnyCondition extends At {
  readonly kind: 'any';
  readonly children: readonly ConditionNode[];
}

export interface NotCondition extends At {
  readonly kind: 'not';
  readonly child: ConditionNode;
}

/** `cwEquals`: `=` in a filter pattern. */
export interface EqualsCondition extends FieldTest {
  readonly kind: 'equals';
  readonly value: CompareValue;
}

/** `cwNotEquals`: `!=`. */
export interface NotEqualsCondition extends FieldTest {
  readonly kind: 'not-equals';
  readonly value: CompareValue;
}

/** `cwIn`: the `||` of `=` over a non-empty list. */
export interface InCondition extends FieldTest {
  readonly kind: 'in';
  readonly values: readonly CompareValue[];
}

/** `cwLessThan`, `cwGreaterThan`, `cwLessThanOrEqual`, `cwGreaterThanOrEqual`. */
export interface NumericCondition extends FieldTest {
  readonly kind: 'numeric';
  readonly op: NumericOp;
  readonly value: number;
}

/** `cwIsNull`, `cwIsTrue`, `cwIsFalse`: `IS NULL`, `IS TRUE`, `IS FALSE`. */
export interface IsCondition extends FieldTest {
  readonly kind: 'is';
  readonly test: 'NULL' | 'TRUE' | 'FALSE';
}

/** `cwNotExists`: `NOT EXISTS`. */
export interface NotExistsCondition extends FieldTest {
  readonly kind: 'not-exists';
}

/**
 * A leaf with any other operator (json-rules-engine's own, the posture list operators): resource
 * and account rules use them. Only json-rules-engine judges it; the IR carries it as written so
 * the readers that only need the paths (evidence, unknown values) can walk every rule alike.
 */
export interface OpaqueCondition extends At {
  readonly kind: 'opaque';
  readonly fact: string;
  readonly path?: string;
  readonly operator: string;
  readonly value: unknown;
}

export type LeafCondition =
  | EqualsCondition
  | NotEqualsCondition
  | InCondition
  | NumericCondition
  | IsCondition
  | NotExistsCondition
  | OpaqueCondition;

export type ConditionNode = AllCondition | AnyCondition | NotCondition | LeafCondition;

export type ConditionKind = ConditionNode['kind'];

/** The node of one kind, for visitors keyed by kind. */
export type ConditionOf<K extends ConditionKind> = Extract<ConditionNode, { kind: K }>;

/**
 * One function per node kind, results combined bottom-up. Being a mapped type over the kinds, a
 * visitor written as a ConditionFold stops compiling when a kind is added and it does not say
 * what to do with it.
 */
export type ConditionFold<T> = {
  [K in ConditionKind]: K extends 'all' | 'any'
    ? (node: ConditionOf<K>, children: T[]) => T
    : K extends 'not'
      ? (node: NotCondition, child: T) => T
      : (node: ConditionOf<K>) => T;
};

export function foldCondition<T>(node: ConditionNode, f: ConditionFold<T>): T {
  switch (node.kind) {
    case 'all':
      return f.all(node, node.children.map((c) => foldCondition(c, f)));
    case 'any':
      return f.any(node, node.children.map((c) => foldCondition(c, f)));
    case 'not':
      return f.not(node, foldCondition(node.child, f));
    case 'equals':
      return f.equals(node);
    case 'not-equals':
      return f['not-equals'](node);
    case 'in':
      return f.in(node);
    case 'numeric':
      return f.numeric(node);
    case 'is':
      return f.is(node);
    case 'not-exists':
      return f['not-exists'](node);
    case 'opaque':
      return f.opaque(node);
    default:
      return unhandledCondition(node);
  }
}

/** For the `default` of a switch over the kinds: a compile error when a kind is not handled. */
export function unhandledCondition(node: never): never {
  throw new Error(`condition node of unknown kind ${JSON.stringify((node as { kind?: unknown }).kind)}`);
}

/** Every leaf, in document order. */
export function conditionLeaves(node: ConditionNode): LeafCondition[] {
  const out: LeafCondition[] = [];
  const walk = (n: ConditionNode): void => {
    switch (n.kind) {
      case 'all':
      case 'any':
        return n.children.forEach(walk);
      case 'not':
        return walk(n.child);
      case 'equals':
      case 'not-equals':
      case 'in':
      case 'numeric':
      case 'is':
      case 'not-exists':
      case 'opaque':
        out.push(n);
        return;
      default:
        unhandledCondition(n);
    }
  };
  walk(node);
  return out;
}
