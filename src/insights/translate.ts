import type { Segment } from '../semantics/selector';
import { isRegexValue } from '../semantics/compare';
import { type Glob, isLiteral, isLoneStar, parseGlob, spellGlob } from '../semantics/glob';
import type { JsonCondition, JsonExpr } from '../pattern/ast';
import { parseFilterPattern } from '../pattern/parse';

/**
 * A CloudWatch Logs filter pattern as a CloudWatch Logs Insights query over the same log group,
 * matching the same CloudTrail events (the query language as AWS documents it: "CloudWatch Logs
 * Insights query syntax", and JSON fields in dot notation with array items as `.0`: "Supported
 * logs and discovered fields").
 *
 * Each condition is written so its meaning does not rest on what the Insights pages leave open:
 *  - `=` on a string is `=` (no `*`) or a regex `like /^...$/` (a `*` glob); on a number, `=`.
 *  - `!=` is true in a filter pattern only for a present field (semantics.ts choice 4, 7), so it
 *    becomes `ispresent(f) and f != v`, whatever Insights does with a missing field.
 *  - A lone `*` (any present scalar that is not null) becomes `ispresent(f)`.
 *  - `NOT EXISTS` becomes `not ispresent(f)`.
 *  - Equalities on one field under an OR become `f in [...]`.
 * Where the two languages cannot say the same thing, `differences` says so (and `exact` is false):
 *  - `IS TRUE`/`IS FALSE`/`IS NULL`: Insights documents no boolean or null literal; the query
 *    compares with the text `"true"`/`"false"` and tests `isempty`, which a string field with that
 *    text (or an empty string) also passes.
 *  - Every query: Insights extracts at most 100 fields of a JSON event; a condition on a field past
 *    those (in a record with a very large requestParameters) is unknown to it.
 * Non-JSON patterns (terms, space-delimited, regex on the whole message) are searched in
 * `@message`, which is only approximately their meaning.
 */
export interface InsightsQuery {
  /** `fields ... | filter ... | sort @timestamp desc | limit ...`: the events themselves. */
  query: string;
  /** The same filter, counted by principal and event name: who did it, how often, first and last. */
  byPrincipal: string;
  /** The filter expression alone. */
  filter: string;
  /** True when the query matches exactly the events the pattern matches (the 100-field limit aside). */
  exact: boolean;
  /** Where the query's meaning differs from the pattern's, one sentence each. */
  differences: string[];
}

/** What the investigator sees first in every query's rows. */
const CONTEXT_FIELDS = [
  '@timestamp',
  'eventSource',
  'eventName',
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.accessKeyId',
  'sourceIPAddress',
  'awsRegion',
  'errorCode',
  'recipientAccountId',
  'eventID',
];

const NULL_NOTE =
  'A field present with the JSON value null: a filter pattern does not match it with `= *` and does with `!=`; the Insights pages do not say whether ispresent() counts it, so the query may differ there.';

const FIELD_LIMIT_NOTE =
  'Logs Insights extracts at most 100 fields of a JSON log event; in a record with more (a large requestParameters), a condition on a field past those is not seen.';

/** Insights names a JSON field by its path in dot notation, array items by index. */
function fieldName(segments: readonly Segment[]): string {
  const name = segments.map((s) => String(s)).join('.');
  // AWS: a field name with characters other than @, . and alphanumerics must be in backticks.
  return /^[A-Za-z0-9@.]+$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

function str(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function regexLiteral(body: string): string {
  return `/${body.replace(/\//g, '\\/')}/`;
}

/** A `*` glob as an anchored regex: literal text escaped, `*` any run of characters. */
function globRegex(glob: Glob): string {
  return `^${spellGlob(glob, (p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), '.*')}$`;
}

interface Ctx {
  differences: Set<string>;
  fields: Set<string>;
}

function condition(c: JsonCondition, ctx: Ctx): string {
  const f = fieldName(c.selector.segments);
  ctx.fields.add(f);
  if (c.type === 'not-exists') return `not ispresent(${f})`;
  if (c.type === 'is') {
    if (c.test === 'NULL') {
      ctx.differences.add(`${c.selector.text} IS NULL: Insights has no null test; the query asks for a present, empty field, which an empty string also is.`);
      return `(ispresent(${f}) and isempty(${f}))`;
    }
    ctx.differences.add(`${c.selector.text} IS ${c.test}: Insights documents no boolean literal; the query compares with the text "${c.test.toLowerCase()}", which a string field with that text also matches.`);
    return `${f} = ${str(c.test.toLowerCase())}`;
  }
  const v = c.value;
  const negate = c.op === '!=';
  let positive: string;
  if (v.kind === 'number') return negate ? `(ispresent(${f}) and ${f} != ${v.raw})` : `${f} ${c.op} ${v.raw}`;
  if (v.kind === 'regex' || isRegexValue(v.value)) {
    const body = isRegexValue(v.value) ? v.value.regex : String(v.value);
    positive = `${f} like ${regexLiteral(body)}`;
  } else {
    const s = v.value;
    const glob = parseGlob(s);
    if (isLoneStar(glob)) {
      if (negate) {
        // `!= *` holds for no present scalar but null: nothing the Insights pages let us test apart.
        ctx.differences.add(`${c.selector.text} != *: true in a filter pattern only for a field present with the value null, which Insights cannot test; the query matches nothing there.`);
        return `(ispresent(${f}) and not ispresent(${f}))`;
      }
      return `ispresent(${f})`;
    }
    positive = isLiteral(glob) ? `${f} = ${str(s)}` : `${f} like ${regexLiteral(globRegex(glob))}`;
    if (negate && isLiteral(glob)) return `(ispresent(${f}) and ${f} != ${str(s)})`;
  }
  return negate ? `(ispresent(${f}) and not (${positive}))` : positive;
}

/** A plain string equality, the kind an OR can gather into `in`. */
function equality(e: JsonExpr): { field: string; value: string } | undefined {
  if (e.type !== 'compare' || e.op !== '=' || e.value.kind !== 'string' || !isLiteral(parseGlob(e.value.value))) return undefined;
  return { field: fieldName(e.selector.segments), value: e.value.value };
}

function expr(e: JsonExpr, ctx: Ctx, top = false): string {
  if (e.type === 'and') {
    const s = e.children.map((c) => expr(c, ctx)).join(' and ');
    return top ? s : `(${s})`;
  }
  if (e.type === 'or') {
    const parts: string[] = [];
    const inList = new Map<string, string[]>();
    for (const c of e.children) {
      const eq = equality(c);
      if (eq) {
        const list = inList.get(eq.field);
        if (list) list.push(eq.value);
        else {
          inList.set(eq.field, [eq.value]);
          parts.push(`\u0000${eq.field}`);
        }
      } else parts.push(expr(c, ctx));
    }
    const s = parts
      .map((p) => {
        if (!p.startsWith('\u0000')) return p;
        const field = p.slice(1);
        ctx.fields.add(field);
        const values = inList.get(field)!;
        return values.length === 1 ? `${field} = ${str(values[0])}` : `${field} in [${values.map(str).join(', ')}]`;
      })
      .join(' or ');
    return top && parts.length === 1 ? s : `(${s})`;
  }
  return condition(e, ctx);
}

function principalExpr(): string {
  return 'coalesce(userIdentity.arn, userIdentity.principalId, userIdentity.invokedBy, userIdentity.type)';
}

/** Rows the event query returns at most (Insights' own ceiling is 10,000). */
const QUERY_LIMIT = 10000;

/** Translate a filter pattern. Throws PatternSyntaxError when it does not parse. */
export function insightsQuery(pattern: string): InsightsQuery {
  const { pattern: p } = parseFilterPattern(pattern);
  const ctx: Ctx = { differences: new Set(), fields: new Set() };
  let filter: string;
  switch (p.kind) {
    case 'match-all':
      filter = 'ispresent(@message)';
      break;
    case 'json':
      filter = expr(p.expr, ctx, true);
      break;
    case 'regex':
      filter = `@message like ${regexLiteral(p.value.regex)}`;
      ctx.differences.add('a regex pattern over the whole event is searched in @message, the raw event text.');
      break;
    default:
      filter = `@message like ${str(p.source.trim())}`;
      ctx.differences.add(`a ${p.kind} pattern has no Insights equivalent: the query searches its text in @message.`);
  }
  const differences = [...ctx.differences];
  const fields = [...CONTEXT_FIELDS, ...[...ctx.fields].filter((f) => !CONTEXT_FIELDS.includes(f))];
  const query = `fields ${fields.join(', ')}\n| filter ${filter}\n| sort @timestamp desc\n| limit ${QUERY_LIMIT}`;
  const byPrincipal =
    `filter ${filter}\n| fields ${principalExpr()} as principal\n` +
    '| stats count(*) as events, min(@timestamp) as first, max(@timestamp) as last by principal, eventName\n| sort events desc';
  const usesPresence = /ispresent\(/.test(filter);
  return { query, byPrincipal, filter, exact: differences.length === 0, differences: [...differences, ...(usesPresence ? [NULL_NOTE] : []), FIELD_LIMIT_NOTE] };
}

/** The window an investigator opens around one event: an hour either side. */
export function queryWindow(eventTime: string | null, marginMs = 3_600_000): { startTime: string; endTime: string } | undefined {
  // Findings of one log file come in time order, many in the same second: reuse the last answer.
  if (eventTime === lastWindow.time && marginMs === lastWindow.margin) return lastWindow.window && { ...lastWindow.window };
  const t = eventTime ? Date.parse(eventTime) : NaN;
  const window = Number.isNaN(t) ? undefined : { startTime: new Date(t - marginMs).toISOString(), endTime: new Date(t + marginMs).toISOString() };
  lastWindow = { time: eventTime, margin: marginMs, window };
  return window && { ...window };
}

let lastWindow: { time: string | null; margin: number; window: { startTime: string; endTime: string } | undefined } = { time: null, margin: 0, window: undefined };
