import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackDefaults, RuleLoadError } from '../model/rule';
import { describeJsonError } from '../util/json-position';
import { explainErrors, schemaValidators } from '../util/schema';
import { ExampleError, resolveBaseEvents } from './examples';

/** The file at a pack's root that holds what its rules share; never read as a rule. */
export const DEFAULTS_FILE = 'defaults.json';

export interface LoadedDefaults {
  path: string;
  /** The file's bytes, '' when the pack has none (they count in the pack's hash). */
  text: string;
  defaults: PackDefaults;
  baseEvents: Map<string, Record<string, unknown>>;
  errors: RuleLoadError[];
}

/** The rule schema's validators: a whole rule file, and the defaults file (one schema, so their shared parts are defined once). */
export function packValidators() {
  return schemaValidators('rule.schema.json', { rule: '', defaults: '#/definitions/packDefaults' });
}

/**
 * A pack's defaults.json, validated; a pack without one has no defaults (its rules then state
 * their alarm settings and whole example inputs). A broken file is reported and counts as empty,
 * so the rules that do not lean on it still load.
 */
export function loadPackDefaults(root: string): LoadedDefaults {
  const path = join(root, DEFAULTS_FILE);
  const none = (text: string, errors: RuleLoadError[]): LoadedDefaults => ({ path, text, defaults: {}, baseEvents: new Map(), errors });
  if (!existsSync(path)) return none('', []);
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return none(text, [{ path, pointer: '', message: `invalid JSON: ${describeJsonError(e, text).message}` }]);
  }
  const validate = packValidators().defaults;
  if (!validate(doc)) return none(text, explainErrors(validate.errors).map((p) => ({ path, ...p })));
  const defaults = doc as PackDefaults;
  try {
    return { path, text, defaults, baseEvents: resolveBaseEvents(defaults.baseEvents), errors: [] };
  } catch (e) {
    if (!(e instanceof ExampleError)) throw e;
    return { ...none(text, [{ path, pointer: e.pointer, message: e.message }]), defaults: { alarm: defaults.alarm } };
  }
}
