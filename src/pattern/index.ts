/** CloudWatch Logs filter patterns: parse, evaluate, normalise, compare, convert. */
export * from './ast';
export { PatternSyntaxError } from './errors';
export { parseFilterPattern } from './parse';
export { matchesMessage, matchesRecord, evaluateJsonExpr, testMetricFilter, splitSpaceDelimited } from './evaluate';
export { formatPattern, formatJsonExpr } from './format';
export { comparePatterns, compareParsed, normalFormText } from './compare';
export type { PatternComparison, PatternRelation, ClauseDifference, PatternSide } from './compare';
export { conditionsToExpr, exprToConditions, ConversionError } from './convert';
export { MAX_PATTERN_LENGTH, MAX_REGEXES_PER_PATTERN } from './limits';
