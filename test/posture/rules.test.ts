import { Engine } from 'json-rules-engine';
import { resolveSelector } from '../../src/semantics/selector';
import { addCloudWatchOperators } from '../../src/engine/operators';
import { addPostureOperators, judgeItem, listOperator } from '../../src/posture/operators';
import { loadRulePack } from '../../src/rules/load';

const posture = loadRulePack().rules.filter((r) => r.sourcePath.includes('/rules/posture/'));

describe('posture rules (rules/posture/*.json)', () => {
  test('load without errors and target resources or accounts', () => {
    expect(loadRulePack().errors.filter((e) => e.path.includes('/rules/posture/'))).toEqual([]);
    expect(posture.length).toBeGreaterThanOrEqual(18);
    for (const r of posture) expect(['resource', 'account']).toContain(r.target);
  });

  test('cover CIS logging 3.1-3.9 (v3.0.0), their v6/v7 4.x ids, and 4.16', () => {
    const controls = new Set(posture.flatMap((r) => r.controls));
    for (let i = 1; i <= 9; i++) {
      expect(controls).toContain(`cis-aws@3.0.0:3.${i}`);
      expect(controls).toContain(`cis-aws@5.0.0:3.${i}`);
      expect(controls).toContain(`cis-aws@6.0.0:4.${i}`);
      expect(controls).toContain(`cis-aws@7.0.0:4.${i}`);
    }
    expect(controls).toContain('cis-aws@3.0.0:4.16');
    expect(controls).toContain('cis-aws@1.4.0:3.11');
  });

  test.each(posture.map((r) => [r.id, r] as const))('%s: its examples hold as documented', async (_id, rule) => {
    expect(rule.examples.length).toBeGreaterThanOrEqual(2);
    const factName = rule.check?.kind === 'monitoring-chain' ? 'chain' : rule.target;
    for (const ex of rule.examples) {
      const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: unknown, p: string) => resolveSelector(v, p) });
      addCloudWatchOperators(engine);
      addPostureOperators(engine);
      engine.addRule({ conditions: rule.conditions, event: { type: 'x' } });
      const res = await engine.run({ [factName]: ex.input });
      expect([ex.name, res.events.length > 0]).toEqual([ex.name, ex.expect === 'match']);
    }
  });
});

describe('list operators judge items in three values', () => {
  const pred = { '$.isMultiRegion': true, '$.kmsKeyId': { notEqual: null }, '$.trafficType': { in: ['ALL', 'REJECT'] } };
  test('unknown values never make an item match', () => {
    expect(judgeItem({ isMultiRegion: true, kmsKeyId: 'k', trafficType: 'ALL' }, pred).result).toBe(true);
    expect(judgeItem({ isMultiRegion: true, kmsKeyId: null, trafficType: 'ALL' }, pred)).toMatchObject({ result: false, failed: ['$.kmsKeyId'] });
    expect(judgeItem({ kmsKeyId: 'k', trafficType: 'ALL' }, pred)).toMatchObject({ result: 'unknown', unknown: ['$.isMultiRegion'] });
    expect(listOperator('anyMatches', [{ kmsKeyId: 'k', trafficType: 'ALL' }], pred)).toBe(false);
    expect(listOperator('noneMatch', [{ kmsKeyId: 'k', trafficType: 'ALL' }], pred)).toBe(false);
    expect(listOperator('allMatch', [], pred)).toBe(true);
    expect(listOperator('anyMatches', undefined, pred)).toBe(false);
  });
});
