import { lookupControl } from '../../src/controls/catalogue';
import { parseControlRef } from '../../src/model/control';
import { loadRulePack } from '../../src/rules/load';

/** Every control a rule names (rules/posture/ included) must exist in a bundled catalogue. */
describe('controls named by rules', () => {
  const pack = loadRulePack();

  it('the pack loads', () => {
    expect(pack.rules.length).toBeGreaterThan(0);
  });

  it('every control reference parses and is catalogued', () => {
    const unknown: string[] = [];
    for (const rule of pack.rules) {
      for (const c of rule.controls) {
        if (!parseControlRef(c) || !lookupControl(c)) unknown.push(`${rule.id}: ${c}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
