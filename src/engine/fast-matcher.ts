import type { CloudTrailRecord } from '../model/event';
import type { Rule } from '../model/rule';
import type { EventMatcher } from './matcher';
import { compileConditions, type Predicate } from './compile';
import { requiredEventNames, requiredTokens } from './requirements';

interface Compiled {
  id: string;
  order: number;
  test: Predicate;
}

const EVENT_NAME_KEY = '"eventName"';

/**
 * The scan's evaluator: rules compiled to plain functions, indexed by the eventName they require,
 * so a record meets only its candidate rules; and a raw-text check that lets the reader skip
 * parsing records no rule can match. Same verdicts as json-rules-engine (tests hold them equal).
 */
export class FastMatcher implements EventMatcher {
  private readonly byName = new Map<string, Compiled[]>();
  private readonly unindexed: Compiled[] = [];
  /**
   * One pass over the text for what forces a parse: an escape that could spell a token differently,
   * or any token an unindexed rule requires. null: some rule requires nothing, always parse.
   * A single regex beats one `includes` per token several times over (docs/performance.md).
   */
  private readonly textCheck: RegExp | null;

  constructor(rules: readonly Rule[]) {
    const eventRules = rules.filter((r) => r.target === 'event');
    let tokens: string[] | null = [];
    eventRules.forEach((r, order) => {
      const c: Compiled = { id: r.id, order, test: compileConditions(r.conditions) };
      const names = requiredEventNames(r.conditions);
      if (names) {
        for (const n of names) {
          const list = this.byName.get(n) ?? [];
          list.push(c);
          this.byName.set(n, list);
        }
      } else {
        this.unindexed.push(c);
        const t = requiredTokens(r.conditions);
        if (!t) tokens = null;
        else if (tokens) tokens.push(...t);
      }
    });
    this.textCheck = tokens ? tokenRegex([...new Set(tokens as string[])]) : null;
  }

  matches(record: CloudTrailRecord): string[] {
    const name = record.eventName;
    const indexed = typeof name === 'string' ? this.byName.get(name) : undefined;
    let hits: Compiled[] | undefined;
    if (indexed) for (const c of indexed) if (c.test(record)) (hits ??= []).push(c);
    for (const c of this.unindexed) if (c.test(record)) (hits ??= []).push(c);
    if (!hits) return [];
    if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
    return hits.map((c) => c.id);
  }

  mayMatchText(text: string): boolean {
    if (this.textCheck === null) return true;
    const name = eventNameOf(text);
    if (name === undefined || this.byName.has(name)) return true;
    return this.textCheck.test(text);
  }
}

function tokenRegex(tokens: string[]): RegExp {
  const literal = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  // `\u` and `\/` escapes could hide a token (or the eventName); such records are rare, so parse them.
  return new RegExp(['\\\\[u/]', ...tokens.map(literal)].join('|'));
}

/**
 * The eventName string value as written in the text, or undefined when it cannot be read simply
 * (absent, not a string, more than one eventName key at any depth): undefined forces a parse.
 */
function eventNameOf(text: string): string | undefined {
  const at = text.indexOf(EVENT_NAME_KEY);
  if (at < 0) return undefined;
  if (text.indexOf(EVENT_NAME_KEY, at + EVENT_NAME_KEY.length) >= 0) return undefined;
  let i = at + EVENT_NAME_KEY.length;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13) i++;
  if (text.charCodeAt(i) !== 58 /* : */) return undefined;
  i++;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13) i++;
  if (text.charCodeAt(i) !== 34 /* " */) return undefined;
  const end = text.indexOf('"', i + 1);
  if (end < 0) return undefined;
  const value = text.slice(i + 1, end);
  return value.includes('\\') ? undefined : value;
}
