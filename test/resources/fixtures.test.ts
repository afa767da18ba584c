import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/model/finding';
import type { ModelPart, ResourceModel } from '../../src/model/resource';
import { evaluatePosture } from '../../src/engine/evaluate-resources';
import { buildModel } from '../../src/posture/build-model';
import { FactBuilder } from '../../src/posture/facts';
import { resolveKnown } from '../../src/posture/operators';
import { RESOURCES, resourceModule } from '../../src/resources/registry';
import { readConfigFiles } from '../../src/sources/config-files';
import { readTerraform } from '../../src/sources/terraform-files';
import { bundledRules } from '../posture/support/stack';
import { FIXTURES } from '../support/paths';

/**
 * Every registered resource type, through the real readers: for each source its module maps, a
 * fixture that passes and one that fails (test/fixtures/resources/<type>/, README.md there says
 * where each came from). `expect.json` names what tells them apart: a rule's findings, or for a
 * type no rule judges directly, the value its resources give another type's fact.
 */

const DIR = join(FIXTURES, 'resources');
const folderOf = (type: string) => type.replace(/::/g, '_');

type Check = { rule: string } | { fact: { type: string; selector: string } };
type Source = 'terraform' | 'config';

const FILE: Record<Source, (outcome: 'pass' | 'fail') => string> = {
  terraform: (o) => `terraform.${o}.tf.json`,
  config: (o) => `config.${o}.json`,
};

function read(source: Source, file: string): ModelPart {
  return source === 'terraform' ? readTerraform([file]) : readConfigFiles([file]);
}

async function judge(source: Source, file: string): Promise<{ part: ModelPart; model: ResourceModel; findings: Finding[] }> {
  const part = read(source, file);
  const model = buildModel([part]);
  return { part, model, findings: await evaluatePosture(model, bundledRules()) };
}

function factValues(model: ResourceModel, type: string, selector: string): unknown[] {
  const fb = new FactBuilder(model);
  return model.resources.filter((r) => r.type === type).map((r) => resolveKnown(fb.resourceFact(r).value, selector).value);
}

function sourcesOf(type: string): Source[] {
  const m = resourceModule(type)!;
  return [...(m.terraform ? ['terraform' as const] : []), ...(m.config ? ['config' as const] : [])];
}

describe.each(RESOURCES.map((m) => [m.type]))('%s', (type) => {
  const folder = join(DIR, folderOf(type));
  const spec = (existsSync(join(folder, 'expect.json')) ? JSON.parse(readFileSync(join(folder, 'expect.json'), 'utf8')) : {}) as Partial<Record<Source, Check>>;

  test('has a fixture folder with a check for every source its module maps, and none for others', () => {
    expect(existsSync(folder)).toBe(true);
    expect(Object.keys(spec).sort()).toEqual(sourcesOf(type).sort());
  });

  test.each(sourcesOf(type).map((s) => [s]))('%s: the pass fixture passes and the fail fixture fails', async (source) => {
    const check = spec[source]!;
    const pass = await judge(source, join(folder, FILE[source]('pass')));
    const fail = await judge(source, join(folder, FILE[source]('fail')));
    for (const run of [pass, fail]) expect(run.part.inputs.map((i) => [i.status, i.reason])).toEqual(run.part.inputs.map(() => ['processed', undefined]));
    // the module itself mapped something: the pass fixture holds a resource of its type
    expect(pass.model.resources.some((r) => r.type === type)).toBe(true);
    if ('rule' in check) {
      const of = (fs: Finding[]) => fs.filter((f) => f.ruleId === check.rule).map((f) => f.status);
      expect(of(pass.findings).length).toBeGreaterThan(0);
      expect(of(pass.findings).every((s) => s === 'pass')).toBe(true);
      expect(of(fail.findings)).toContain('fail');
    } else {
      const { type: of, selector } = check.fact;
      const known = (v: unknown) => v !== undefined && v !== null;
      const passed = factValues(pass.model, of, selector);
      expect(passed.length).toBeGreaterThan(0);
      expect(passed.every(known)).toBe(true);
      expect(factValues(fail.model, of, selector).some(known)).toBe(false);
    }
    // every relation a mapping wrote is one its module declares (relations resolve only those)
    for (const r of [...pass.model.resources, ...fail.model.resources]) {
      expect(Object.keys(r.refs).filter((rel) => !resourceModule(r.type)?.relations?.[rel as never])).toEqual([]);
    }
  });
});

test('every fixture folder belongs to a registered type', () => {
  const types = new Set(RESOURCES.map((m) => folderOf(m.type)));
  expect(readdirSync(DIR).filter((n) => n !== 'README.md' && !types.has(n))).toEqual([]);
});
