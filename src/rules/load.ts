import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Rule, RuleDocument, RuleLoadError, RulePack } from '../model/rule';
import { conditionLeaves } from '../model/condition';
import { ConditionError, readConditionOnce } from '../semantics/condition-json';
import { parseFilterPattern } from '../pattern/parse';
import { describeJsonError } from '../util/json-position';
import { pointerEscape } from '../util/json-pointer';
import { explainErrors } from '../util/schema';
import { REPO_ROOT } from '../version';
import { completeRule } from './complete';
import { DEFAULTS_FILE, loadPackDefaults, packValidators } from './defaults';

export const DEFAULT_RULES_DIR = join(REPO_ROOT, 'rules');

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Checks the schema cannot express: the conditions read as the condition IR (selectors parse, regexes compile, values fit their operators). */
function semanticProblems(doc: Rule, file: string): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  try {
    // The engine, the requirements and lint read the same object through ruleCondition: read once.
    const cond = readConditionOnce(doc.conditions, file);
    if (doc.target === 'event' && conditionLeaves(cond).length === 0) problems.push({ pointer: '/conditions', message: 'no conditions' });
  } catch (e) {
    if (!(e instanceof ConditionError)) throw e;
    problems.push({ pointer: e.pointer, message: e.detail });
  }
  if (doc.target !== 'event') return problems;
  for (const [ref, pattern] of Object.entries(doc.cloudwatch?.controlPatterns ?? {})) {
    const pointer = `/cloudwatch/controlPatterns/${pointerEscape(ref)}`;
    if (!doc.controls.includes(ref)) problems.push({ pointer, message: `${ref} is not one of the rule's controls` });
    try {
      parseFilterPattern(pattern);
    } catch (e) {
      problems.push({ pointer, message: `pattern does not parse: ${(e as Error).message}` });
    }
  }
  return problems;
}

export interface LoadOptions {
  dir?: string;
}

/**
 * Load every rule file, validating each on its own: one bad file costs only that rule, and its
 * errors name the file and the JSON pointer. Callers decide (with --strict) whether errors are fatal.
 */
export function loadRulePack(options: LoadOptions = {}): RulePack {
  const root = options.dir ?? DEFAULT_RULES_DIR;
  const validate = packValidators().rule;
  const rules: Rule[] = [];
  const errors: RuleLoadError[] = [];
  const hash = createHash('sha256');
  const ids = new Map<string, string>();
  let files: string[];
  try {
    files = listJson(root);
  } catch (e) {
    return { rules, errors: [{ path: root, pointer: '', message: `cannot read rules directory: ${(e as Error).message}` }], sha256: '', root };
  }
  const pack = loadPackDefaults(root);
  errors.push(...pack.errors);
  for (const file of files) {
    const rel = relative(root, file).split(sep).join('/');
    const text = rel === DEFAULTS_FILE ? pack.text : readFileSync(file, 'utf8');
    hash.update(rel).update('\0').update(text).update('\0');
    if (rel === DEFAULTS_FILE) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      errors.push({ path: file, pointer: '', message: `invalid JSON: ${describeJsonError(e, text).message}` });
      continue;
    }
    if (!validate(doc)) {
      for (const p of explainErrors(validate.errors)) errors.push({ path: file, pointer: p.pointer, message: p.message });
      continue;
    }
    const completed = completeRule(doc as RuleDocument, pack);
    if ('problems' in completed) {
      for (const p of completed.problems) errors.push({ path: file, ...p });
      continue;
    }
    const rule = { ...completed.rule, sourcePath: file };
    const problems = semanticProblems(rule, file);
    if (problems.length > 0) {
      for (const p of problems) errors.push({ path: file, ...p });
      continue;
    }
    const prior = ids.get(rule.id);
    if (prior) {
      errors.push({ path: file, pointer: '/id', message: `duplicate rule id "${rule.id}" (first defined in ${prior})` });
      continue;
    }
    ids.set(rule.id, file);
    rules.push(rule);
  }
  return { rules, errors, sha256: hash.digest('hex'), root };
}
