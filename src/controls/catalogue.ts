import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type ControlCatalogue, type ControlEntry, type ControlRef, formatControlRef, parseControlRef } from '../model/control';
import { describeJsonError } from '../util/json-position';
import { explainErrors, schemaValidator } from '../util/schema';
import { REPO_ROOT } from '../version';

export const DEFAULT_CONTROLS_DIR = join(REPO_ROOT, 'controls');

export interface CatalogueProblem {
  path: string;
  /** JSON pointer into the catalogue file, '' for the whole file. */
  pointer: string;
  message: string;
}

export class CatalogueError extends Error {
  constructor(readonly problems: CatalogueProblem[]) {
    super(`invalid control catalogue:\n${problems.map((p) => `  ${p.path}${p.pointer ? ` at ${p.pointer}` : ''}: ${p.message}`).join('\n')}`);
    this.name = 'CatalogueError';
  }
}

/** Checks the schema cannot express: the file name names the framework version, ids are unique. */
function consistencyProblems(file: string, cat: ControlCatalogue): CatalogueProblem[] {
  const problems: CatalogueProblem[] = [];
  const expected = `${cat.framework}@${cat.version}.json`;
  if (basename(file) !== expected) {
    problems.push({ path: file, pointer: '', message: `file name must be ${expected} for framework "${cat.framework}" version "${cat.version}"` });
  }
  const seen = new Map<string, number>();
  cat.controls.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first !== undefined) problems.push({ path: file, pointer: `/controls/${i}/id`, message: `duplicate control id "${c.id}" (first at /controls/${first})` });
    else seen.set(c.id, i);
  });
  return problems;
}

/**
 * Read every `<framework>@<version>.json` in the directory, validating each on its own so every
 * bad file is reported, with the file and the JSON pointer of each problem.
 */
export function readCatalogues(dir: string = DEFAULT_CONTROLS_DIR): { catalogues: ControlCatalogue[]; problems: CatalogueProblem[] } {
  const validate = schemaValidator('control-catalogue.schema.json');
  const catalogues: ControlCatalogue[] = [];
  const problems: CatalogueProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    return { catalogues, problems: [{ path: dir, pointer: '', message: `cannot read controls directory: ${(e as Error).message}` }] };
  }
  const owners = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      problems.push({ path: file, pointer: '', message: `invalid JSON: ${describeJsonError(e, text).message}` });
      continue;
    }
    if (!validate(doc)) {
      for (const p of explainErrors(validate.errors)) problems.push({ path: file, ...p });
      continue;
    }
    const cat = doc as ControlCatalogue & { $schema?: string };
    const own = consistencyProblems(file, cat);
    const key = `${cat.framework}@${cat.version}`;
    const prior = owners.get(key);
    if (prior) own.push({ path: file, pointer: '', message: `${key} is already defined in ${prior}` });
    if (own.length > 0) {
      problems.push(...own);
      continue;
    }
    owners.set(key, file);
    const { $schema: _schema, ...catalogue } = cat;
    catalogues.push(catalogue);
  }
  return { catalogues, problems };
}

/** All catalogues, or a CatalogueError listing every problem: the catalogue is part of the product, not user input. */
export function loadCatalogues(dir?: string): ControlCatalogue[] {
  const { catalogues, problems } = readCatalogues(dir);
  if (problems.length > 0) throw new CatalogueError(problems);
  return catalogues;
}

export interface ResolvedControl {
  ref: ControlRef;
  catalogue: ControlCatalogue;
  control: ControlEntry;
}

let defaultIndex: Map<string, ResolvedControl> | undefined;

function indexCatalogues(catalogues: readonly ControlCatalogue[]): Map<string, ResolvedControl> {
  const index = new Map<string, ResolvedControl>();
  for (const catalogue of catalogues) {
    for (const control of catalogue.controls) {
      const ref = { framework: catalogue.framework, version: catalogue.version, id: control.id };
      index.set(formatControlRef(ref), { ref, catalogue, control });
    }
  }
  return index;
}

/**
 * Resolve `framework@version:id` (string or parsed) to its catalogue entry; undefined when the
 * reference is malformed or names no catalogued control. Without `catalogues`, the bundled ones.
 */
export function lookupControl(ref: string | ControlRef, catalogues?: readonly ControlCatalogue[]): ResolvedControl | undefined {
  const parsed = typeof ref === 'string' ? parseControlRef(ref) : ref;
  if (!parsed) return undefined;
  const index = catalogues ? indexCatalogues(catalogues) : (defaultIndex ??= indexCatalogues(loadCatalogues()));
  return index.get(formatControlRef(parsed));
}
