import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/paths';
import { commandsInCode, policyActions } from './support/iam';

/**
 * The README promises the exact read-only policy the live scan needs. Every SDK command the live
 * sources construct must be in docs/iam-policy.json, and the policy must grant nothing else.
 */
describe('docs/iam-policy.json', () => {
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
