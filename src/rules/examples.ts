import type { DerivedEvent, PackDefaults, RuleExample, RuleExampleDocument } from '../model/rule';
import { parseSelector, SelectorError } from '../semantics/selector';
import { pointerEscape } from '../util/json-pointer';
import { isObj } from '../util/values';

/** A problem with an example or base event, at a JSON pointer into the file that holds it. */
export class ExampleError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
  ) {
    super(message);
    this.name = 'ExampleError';
  }
}

type Json = Record<string, unknown>;

/** `set` over `target`: objects merge key by key, anything else (arrays, scalars, null) replaces. */
function mergeInto(target: Json, set: Json): void {
  for (const [k, v] of Object.entries(set)) {
    const cur = target[k];
    if (isObj(cur) && isObj(v)) mergeInto(cur, v);
    else target[k] = structuredClone(v);
  }
}

/** Removes one selector's field; a selector the event does not have is a mistake in the file, so it throws. */
function unsetField(event: Json, selector: string, pointer: string): void {
  let segments;
  try {
    segments = parseSelector(selector);
  } catch (e) {
    if (e instanceof SelectorError) throw new ExampleError(`unset ${selector}: ${e.message}`, pointer);
    throw e;
  }
  let cur: unknown = event;
  for (const seg of segments.slice(0, -1)) cur = cur !== null && typeof cur === 'object' ? (cur as Json)[seg] : undefined;
  const last = segments[segments.length - 1];
  if (typeof last === 'number' && Array.isArray(cur) && last < cur.length) {
    cur.splice(last, 1);
    return;
  }
  if (typeof last === 'string' && isObj(cur) && Object.hasOwn(cur, last)) {
    delete cur[last];
    return;
  }
  throw new ExampleError(`unset ${selector}: the base event has no such field`, pointer);
}

function isDerived(v: object): v is DerivedEvent {
  return typeof (v as { base?: unknown }).base === 'string';
}

/**
 * The pack's base events, each expanded to a whole event (a base event may itself start from
 * another). Pointers name the place in defaults.json.
 */
export function resolveBaseEvents(defs: PackDefaults['baseEvents'] = {}): Map<string, Json> {
  const done = new Map<string, Json>();
  const resolving = new Set<string>();
  const resolve = (name: string): Json => {
    const ready = done.get(name);
    if (ready) return ready;
    const pointer = `/baseEvents/${pointerEscape(name)}`;
    const def = defs[name];
    if (resolving.has(name)) throw new ExampleError(`base event "${name}" starts from itself (through ${[...resolving].join(' -> ')})`, pointer);
    resolving.add(name);
    let event: Json;
    if (isDerived(def)) {
      if (!Object.hasOwn(defs, def.base)) throw new ExampleError(`unknown base event "${def.base}" (defined: ${Object.keys(defs).join(', ')})`, `${pointer}/base`);
      event = apply(resolve(def.base), def, pointer);
    } else {
      event = structuredClone(def.input);
    }
    resolving.delete(name);
    done.set(name, event);
    return event;
  };
  for (const name of Object.keys(defs)) resolve(name);
  return done;
}

function apply(base: Json, d: DerivedEvent, pointer: string): Json {
  const event = structuredClone(base);
  d.unset?.forEach((s, i) => unsetField(event, s, `${pointer}/unset/${i}`));
  if (d.set) mergeInto(event, d.set);
  return event;
}

/**
 * A rule file's examples with every base-event example expanded to its whole input. An unknown
 * base name throws with the example's pointer (`/examples/3/base`).
 */
export function expandExamples(examples: RuleExampleDocument[], bases: Map<string, Json>): RuleExample[] {
  return examples.map((ex, i) => {
    if (!isDerived(ex)) return ex;
    const pointer = `/examples/${i}`;
    const base = bases.get(ex.base);
    if (!base) {
      const known = bases.size > 0 ? `the pack's defaults.json defines ${[...bases.keys()].join(', ')}` : "the pack's defaults.json defines no base events";
      throw new ExampleError(`unknown base event "${ex.base}" (${known})`, `${pointer}/base`);
    }
    return { name: ex.name, input: apply(base, ex, pointer), expect: ex.expect };
  });
}
