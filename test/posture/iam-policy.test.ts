import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOURCES } from '../../src/resources/registry';
import { readOnlyPolicy } from '../../src/sources/read-only-policy';
import { liveReadActions } from '../../src/sources/live-aws';
import { REPO } from '../support/paths';
import { moduleFile } from '../resources/support/modules';
import { commandsInCode, commandsInFile, policyActions } from './support/iam';

/**
 * The README promises the exact read-only policy the live scan needs. It is generated from the
 * resource registry (each type's live reader declares its actions); these tests hold the
 * declarations to the SDK commands the code constructs, and the documented file to the generator.
 */
describe('docs/iam-policy.json', () => {
  test('is what npm run iam-policy generates from the registry', () => {
    expect(JSON.parse(readFileSync(join(REPO, 'docs', 'iam-policy.json'), 'utf8'))).toEqual(readOnlyPolicy());
  });

  test('lists exactly the actions the live sources call', () => {
    const code = commandsInCode();
    expect(code.length).toBeGreaterThanOrEqual(14);
    expect([...policyActions()].sort()).toEqual(code);
  });

  test('is read-only: every action describes, gets, lists, looks up or selects', () => {
    for (const a of policyActions()) expect(a).toMatch(/^[a-z0-9]+:(Describe|Get|List|Select|BatchGet|Lookup)[A-Za-z]*$/);
  });

  test('the README quotes the same policy', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = /<!-- section:posture -->([\s\S]*?)<!-- \/section:posture -->/.exec(readme)?.[1] ?? '';
    for (const a of policyActions()) expect(section).toContain(`"${a}"`);
  });
});

describe('each resource module declares the actions its live reader calls', () => {
  test.each(RESOURCES.map((m) => [m.type, m]))('%s', (type, m) => {
    expect(commandsInFile(moduleFile(type))).toEqual([...(m.live?.actions ?? [])].sort());
  });

  test('the live scan may call its Config query and every declared action, nothing else', () => {
    const declared = RESOURCES.flatMap((m) => m.live?.actions ?? []);
    const config = commandsInFile(join(REPO, 'src', 'sources', 'live-aws.ts'));
    expect(liveReadActions()).toEqual([...new Set([...declared, ...config])].sort());
  });
});
