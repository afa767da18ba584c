import type { Engine } from 'json-rules-engine';
import type { CompareValue } from '../model/condition';
import {
  cwEquals,
  cwIsFalse,
  cwIsNull,
  cwIsTrue,
  cwNotEquals,
  cwNotExists,
  cwNumeric,
} from '../semantics/compare';

/**
 * json-rules-engine operators with CloudWatch filter semantics. The built-in `equal`/`notEqual`
 * differ on the cases that matter (a missing field is "not equal" to anything there, and there
 * is no wildcard), so event rules use only these. `cwIn` is the `||` of `cwEquals` over a list:
 * it keeps long CIS event-name lists readable.
 */
const CW_OPERATORS: Record<string, (fact: unknown, value: unknown) => boolean> = {
  cwEquals: (f, v) => cwEquals(f, v as CompareValue),
  cwNotEquals: (f, v) => cwNotEquals(f, v as CompareValue),
  cwIn: (f, v) => (v as CompareValue[]).some((x) => cwEquals(f, x)),
  cwLessThan: (f, v) => cwNumeric(f, '<', v as number),
  cwGreaterThan: (f, v) => cwNumeric(f, '>', v as number),
  cwLessThanOrEqual: (f, v) => cwNumeric(f, '<=', v as number),
  cwGreaterThanOrEqual: (f, v) => cwNumeric(f, '>=', v as number),
  cwIsNull: (f) => cwIsNull(f),
  cwIsTrue: (f) => cwIsTrue(f),
  cwIsFalse: (f) => cwIsFalse(f),
  cwNotExists: (f) => cwNotExists(f),
};

export function addCloudWatchOperators(engine: Engine): void {
  for (const [name, fn] of Object.entries(CW_OPERATORS)) engine.addOperator(name, fn);
}
