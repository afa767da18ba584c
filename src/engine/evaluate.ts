import { Engine } from 'json-rules-engine';
import type { Rule } from '../model/rule';
import type { CloudTrailRecord } from '../model/event';
import { addCloudWatchOperators } from './operators';
import { resolveSelector } from '../semantics/selector';

/**
 * Facts are addressed with CloudWatch selectors (`$.a.b[0]`), resolved exactly as a metric filter
 * resolves them; `undefined` means missing, which the operators treat as CloudWatch does.
 */
function pathResolver(value: unknown, path: string): unknown {
  return resolveSelector(value, path);
}

export function createEngine(rules: readonly Rule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver });
  addCloudWatchOperators(engine);
  for (const r of rules) {
    engine.addRule({ name: r.id, conditions: r.conditions, event: { type: r.id } });
  }
  return engine;
}

/**
 * The reference evaluator: json-rules-engine running the rules' conditions. Returns the ids of
 * the rules that match the record, in rule-pack order.
 */
export class EventEvaluator {
  private readonly engine: Engine;
  private readonly order: Map<string, number>;

  constructor(readonly rules: readonly Rule[]) {
    const eventRules = rules.filter((r) => r.target === 'event');
    this.engine = createEngine(eventRules);
    this.order = new Map(eventRules.map((r, i) => [r.id, i]));
  }

  async matches(record: CloudTrailRecord): Promise<string[]> {
    const { events } = await this.engine.run({ event: record });
    const ids = events.map((e) => e.type);
    return ids.sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }
}
