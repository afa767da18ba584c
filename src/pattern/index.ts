/** CloudWatch Logs filter patterns, what the CLI and the monitoring chain use: parse, match, compare (the modules hold the rest). */
export * from './ast';
export { PatternSyntaxError } from './errors';
export { parseFilterPattern } from './parse';
export { matchesRecord } from './evaluate';
export { comparePatterns, normalFormText } from './compare';
export type { PatternComparison, PatternRelation, ClauseDifference, PatternSide } from './compare';
