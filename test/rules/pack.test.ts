import { basename, dirname, relative, sep } from 'node:path';
import type { Rule } from '../../src/model/rule';
import { lintEventRule } from '../../src/rules/lint';
import { DEFAULT_RULES_DIR, loadRulePack } from '../../src/rules/load';
import { cisMonitoringId } from './support/data';

const pack = loadRulePack();
const byId = new Map(pack.rules.map((r) => [r.id, r]));
const folder = (r: Rule) => relative(DEFAULT_RULES_DIR, dirname(r.sourcePath)).split(sep)[0];
const cisRules = pack.rules.filter((r) => folder(r) === 'cis');
const detections = pack.rules.filter((r) => folder(r) === 'detections');

describe('rule pack', () => {
  it('loads without errors', () => {
    expect(pack.errors).toEqual([]);
  });

  it('stores one rule per file, named after its id, under cis/ or detections/', () => {
    for (const r of [...cisRules, ...detections]) expect(basename(r.sourcePath)).toBe(`${r.id}.json`);
  });

  it('has the 15 CIS monitoring rules and at least ten detections, all event rules', () => {
    expect(cisRules).toHaveLength(15);
    expect(detections.length).toBeGreaterThanOrEqual(10);
    for (const r of [...cisRules, ...detections]) expect(r.target).toBe('event');
  });

  it('gives every event rule a distinct metric name', () => {
    const names = pack.rules.filter((r) => r.target === 'event').map((r) => r.cloudwatch!.metricName);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(pack.rules.filter((r) => r.target === 'event').map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    it('has a filter pattern that means exactly what its conditions mean, and examples both agree with', async () => {
      const problems = await lintEventRule(rule);
      expect(problems.map((p) => `${p.severity} ${p.pointer}: ${p.message}`)).toEqual([]);
    });

    it('maps to NIST 800-53 r5 and PCI DSS 4.0', () => {
      expect(rule.controls.some((c) => c.startsWith('nist-800-53@r5:'))).toBe(true);
      expect(rule.controls.some((c) => c.startsWith('pci-dss@4.0:'))).toBe(true);
    });
  });
});

describe('CIS monitoring rules', () => {
  it.each(cisRules.map((r) => [r.id, r] as const))('%s carries the CIS alarm settings and leaves missing data to the stack', (_id, rule) => {
    expect(rule.cloudwatch!.alarm).toEqual({
      statistic: 'Sum',
      period: 300,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(cisRules.map((r) => [r.id, r] as const))('%s maps to every CIS version, renumbered from v6.0.0', (_id, rule) => {
    const id = cisMonitoringId(rule)!;
    const v6 = `5.${id.split('.')[1]}`;
    expect(rule.controls).toEqual(
      expect.arrayContaining([`cis-aws@1.4.0:${id}`, `cis-aws@3.0.0:${id}`, `cis-aws@5.0.0:${id}`, `cis-aws@6.0.0:${v6}`, `cis-aws@7.0.0:${v6}`]),
    );
  });

  it('4.1 uses the v4.0+ exclusions, grouped so they apply to both error codes', () => {
    expect(byId.get('cis-unauthorized-api-calls')!.cloudwatch!.filterPattern).toBe(
      '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    );
  });

  it('4.2 is the base CIS pattern', () => {
    expect(byId.get('cis-console-signin-without-mfa')!.cloudwatch!.filterPattern).toBe(
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    );
  });

  it('4.10 includes ModifySecurityGroupRules (v5.0+)', () => {
    expect(byId.get('cis-security-group-changes')!.cloudwatch!.filterPattern).toContain('($.eventName = "ModifySecurityGroupRules")');
  });

  it('4.13 requires ec2.amazonaws.com for every route event', () => {
    const p = byId.get('cis-route-table-changes')!.cloudwatch!.filterPattern;
    expect(p.startsWith('{ ($.eventSource = "ec2.amazonaws.com") && ((')).toBe(true);
    expect(p.endsWith(')) }')).toBe(true);
  });
});
