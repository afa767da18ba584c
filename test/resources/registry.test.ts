import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RESOURCES, isSubjectType, resourceModule, terraformModule } from '../../src/resources/registry';
import { bundledRules } from '../posture/support/stack';
import { REPO } from '../support/paths';
import { moduleFile } from './support/modules';

/**
 * Adding a resource type is adding its module to the registry: nothing else in the code names a
 * type, every declaration a module makes points at registered types, and a rule can only judge a
 * registered type (test/resources/fixtures.test.ts then asks for the new type's fixtures).
 */

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every resource and account rule judges a type the registry holds, never an internal part', () => {
  const targets = bundledRules().filter((r) => r.target === 'resource');
  expect(targets.length).toBeGreaterThan(5);
  for (const r of targets) expect([r.id, isSubjectType(r.resourceType ?? '')]).toEqual([r.id, true]);
});

test('each type is registered once, and each Terraform resource type maps to one module', () => {
  expect(new Set(RESOURCES.map((m) => m.type)).size).toBe(RESOURCES.length);
  const tfTypes = RESOURCES.flatMap((m) => Object.keys(m.terraform?.types ?? {}));
  expect(new Set(tfTypes).size).toBe(tfTypes.length);
  for (const m of RESOURCES) for (const t of Object.keys(m.terraform?.types ?? {})) expect(terraformModule(t)).toBe(m);
});

test('relations, incoming relations and gap errors name registered types, and agree with each other', () => {
  for (const m of RESOURCES) {
    for (const [rel, spec] of Object.entries(m.relations ?? {})) for (const to of spec!.to) expect([m.type, rel, resourceModule(to)?.type]).toEqual([m.type, rel, to]);
    for (const inc of m.target?.incoming ?? []) {
      // the pointing type declares the relation, towards this type
      expect([inc.from, inc.relation, resourceModule(inc.from)?.relations?.[inc.relation]?.to]).toEqual([inc.from, inc.relation, expect.arrayContaining([m.type])]);
    }
    for (const t of Object.keys(m.target?.gapErrors ?? {})) expect(resourceModule(t)).toBeDefined();
    const via = m.target?.resolvesThrough;
    if (via) expect(m.relations?.[via]).toBeDefined();
  }
  const lists = RESOURCES.flatMap((m) => (m.account ? [m.account.as] : []));
  expect(new Set(lists).size).toBe(lists.length);
});

test('no code outside src/resources/ names a registered type: the generic readers iterate the registry', () => {
  const literals = RESOURCES.flatMap((m) => [`'${m.type}'`, `"${m.type}"`]);
  const offenders: string[] = [];
  for (const f of [...tsFiles(join(REPO, 'src')), ...tsFiles(join(REPO, 'reports')), ...tsFiles(join(REPO, 'stacks'))]) {
    if (f.startsWith(join(REPO, 'src', 'resources'))) continue;
    const text = readFileSync(f, 'utf8');
    for (const l of literals) if (text.includes(l)) offenders.push(`${relative(REPO, f)}: ${l}`);
  }
  expect(offenders).toEqual([]);
});

test('every module file of src/resources is registered', () => {
  const dir = join(REPO, 'src', 'resources');
  const defined = readdirSync(dir)
    .map((n) => /const TYPE = '([^']+)';/.exec(readFileSync(join(dir, n), 'utf8'))?.[1])
    .filter((t): t is string => t !== undefined)
    .sort();
  expect(defined).toEqual(RESOURCES.map((m) => m.type).sort());
  for (const t of defined) expect(moduleFile(t)).toContain('src/resources/');
});
