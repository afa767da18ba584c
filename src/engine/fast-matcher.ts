import type { CloudTrailRecord } from '../model/event';
import type { RecordScreen } from '../model/record-screen';
import type { Rule } from '../model/rule';
import type { EventMatcher } from './matcher';
import { compileConditions, type Predicate } from './compile';
import { requiredEventNamePatterns, requiredTokens } from './requirements';
import { ruleCondition } from '../semantics/condition-json';
import { parseGlob } from '../semantics/glob';
import { TextScreen } from './text-screen';

interface Compiled {
  id: string;
  order: number;
  test: Predicate;
}

interface GlobEntry {
  matches: (name: string) => boolean;
  rules: Compiled[];
}

/**
 * The scan's evaluator: rules compiled to plain functions, indexed by the eventName they require
 * (exact names in a Map, `*` globs such as `AddPermission*` in a short list), so a record meets
 * only its candidate rules; and a screen on raw text that lets the reader skip parsing records no
 * rule can match. Same verdicts as json-rules-engine (tests hold them equal).
 */
export class FastMatcher implements EventMatcher {
  private readonly byName = new Map<string, Compiled[]>();
  private readonly byGlob: GlobEntry[] = [];
  private readonly unindexed: Compiled[] = [];
  /** What the unindexed rules need in the text; null: some rule needs nothing, always parse. */
  private readonly tokens: string[] | null;

  constructor(rules: readonly Rule[]) {
    const eventRules = rules.filter((r) => r.target === 'event');
    let tokens: string[] | null = [];
    const globs = new Map<string, GlobEntry>();
    eventRules.forEach((r, order) => {
      const cond = ruleCondition(r);
      const c: Compiled = { id: r.id, order, test: compileConditions(cond) };
      const req = requiredEventNamePatterns(cond);
      if (req) {
        for (const n of req.names) {
          const list = this.byName.get(n) ?? [];
          list.push(c);
          this.byName.set(n, list);
        }
        for (const g of req.globs) {
          let e = globs.get(g);
          if (!e) globs.set(g, (e = { matches: parseGlob(g).matches, rules: [] }));
          e.rules.push(c);
        }
      } else {
        this.unindexed.push(c);
        const t = requiredTokens(cond);
        if (!t) tokens = null;
        else if (tokens) tokens.push(...t);
      }
    });
    this.byGlob.push(...globs.values());
    this.tokens = tokens ? [...new Set(tokens as string[])] : null;
  }

  matches(record: CloudTrailRecord): string[] {
    const name = record.eventName;
    let hits: Compiled[] | undefined;
    if (typeof name === 'string') {
      const indexed = this.byName.get(name);
      if (indexed) for (const c of indexed) if (c.test(record)) (hits ??= []).push(c);
      for (const g of this.byGlob) if (g.matches(name)) for (const c of g.rules) if (c.test(record) && !hits?.includes(c)) (hits ??= []).push(c);
    }
    for (const c of this.unindexed) if (c.test(record)) (hits ??= []).push(c);
    if (!hits) return [];
    if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
    return hits.map((c) => c.id);
  }

  /** A fresh screen for one reader (it keeps per-text state, so readers must not share one). */
  screen(): RecordScreen {
    return new TextScreen({ isIndexedName: (name) => this.isIndexedName(name), tokens: this.tokens });
  }

  /**
   * One lookup per record: every indexed name is in here from the start, and names judged against
   * the globs are added as they are met. They repeat from record to record; the cap keeps a file
   * of made-up names from growing the map.
   */
  private nameVerdicts?: Map<string, boolean>;

  private isIndexedName(name: string): boolean {
    const verdicts = (this.nameVerdicts ??= new Map([...this.byName.keys()].map((n) => [n, true])));
    let v = verdicts.get(name);
    if (v === undefined) {
      v = this.byGlob.some((g) => g.matches(name));
      if (verdicts.size < this.byName.size + 4096) verdicts.set(name, v);
    }
    return v;
  }

  /** The screen's verdict on one record's text alone (tests and one-off checks; a reader uses screen()). */
  mayMatchText(text: string): boolean {
    const s = this.screen();
    s.reset(text);
    return s.mayMatch(0, text.length);
  }
}
