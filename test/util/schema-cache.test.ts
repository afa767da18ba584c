import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRulePack } from '../../src/rules/load';
import { REPO } from '../support/paths';

/**
 * src/util/schema.ts keeps ajv's compiled validators as standalone JavaScript and later
 * processes load that instead of compiling. Whichever way a validator came, it must judge
 * exactly as ajv compiling the schema afresh does: held here on valid and broken documents, in a
 * process that compiles (empty cache) and one that loads (the cache it left).
 */
const rule = loadRulePack().rules[0];
const { sourcePath: _ignored, ...ruleDoc } = rule as typeof rule & { sourcePath?: string };
const CASES: Record<string, unknown[]> = {
  'rule.schema.json': [
    JSON.parse(readFileSync(join(REPO, 'rules', 'cis', 'cis-root-account-usage.json'), 'utf8')),
    { ...ruleDoc, id: 'Bad Id' },
    { ...ruleDoc, severity: 'urgent', extra: 1 },
    { id: 'x' },
    'not an object',
  ],
  'findings.schema.json': [
    { schemaVersion: '1.0' },
    { schemaVersion: '1.0', tool: { name: 'trailproof', version: '0' }, findings: [{ id: 1 }] },
    null,
  ],
};

/** Every case's verdict and ajv errors, as judged in a fresh process over `cache`, and whether it loaded ajv's compiler. */
function judgeInChild(cache: string): unknown {
  const file = join(mkdtempSync(join(tmpdir(), 'tp-schema-probe-')), 'probe.js');
  writeFileSync(
    file,
    `require(${JSON.stringify(join(REPO, 'bin', 'ts-require.js'))}).register();
const { schemaValidator } = require(${JSON.stringify(join(REPO, 'src', 'util', 'schema.ts'))});
const cases = ${JSON.stringify(CASES)};
const out = {};
for (const [name, docs] of Object.entries(cases)) {
  const v = schemaValidator(name);
  out[name] = docs.map((d) => [v(d), v.errors ?? null]);
}
out.ajvCompilerLoaded = Object.keys(require.cache).some((m) => m.endsWith(${JSON.stringify(join('ajv', 'dist', 'core.js'))}));
process.stdout.write(JSON.stringify(out));`,
  );
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, TRAILPROOF_SCHEMA_CACHE: cache } }));
}

/** The reference: ajv compiling each schema now, with the options the project uses. */
function judgeAfresh(): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, docs] of Object.entries(CASES)) {
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    const v = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas', name), 'utf8')));
    out[name] = docs.map((d) => [v(d), v.errors ?? null]);
  }
  return out;
}

test('validators compiled, kept and loaded again judge exactly as ajv compiling afresh', () => {
  const cache = mkdtempSync(join(tmpdir(), 'tp-schema-cache-'));
  const want = judgeAfresh();
  // Some cases pass and some fail, so the comparison covers both.
  const verdicts = Object.values(want as Record<string, [boolean][]>).flat().map(([ok]) => ok);
  expect(verdicts).toContain(true);
  expect(verdicts).toContain(false);
  expect(judgeInChild(cache)).toEqual({ ...(want as object), ajvCompilerLoaded: true });
  const kept = readdirSync(cache);
  expect(kept).toHaveLength(2);
  // The second process compiles nothing: ajv's compiler is never loaded.
  expect(judgeInChild(cache)).toEqual({ ...(want as object), ajvCompilerLoaded: false });
  expect(readdirSync(cache)).toEqual(kept);
});
