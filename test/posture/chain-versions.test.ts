import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/model/finding';
import { scanPosture } from '../../src/scan/scan-posture';
import { DEFAULT_RULES_DIR, loadRulePack } from '../../src/rules/load';
import { type Json, bundledRules, goodStack, tfName, writeJson } from './support/stack';

/**
 * Each CIS version is judged by the pattern it prescribes. The texts (CIS PDFs are paywalled):
 * - 4.10 in v1.4/v3.0 lists six event names; v5.0 adds ModifySecurityGroupRules. Security Hub's
 *   CloudWatch.10 (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html)
 *   still prescribes the six.
 * - 4.13 in v1.4 (and Security Hub's CloudWatch.13, same page) lists the names with no
 *   eventSource condition; v3.0+ requires eventSource = ec2.amazonaws.com.
 */
const SG = 'cis-security-group-changes';
const ROUTES = 'cis-route-table-changes';
const SIX_SG =
  '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }';
const V14_ROUTES =
  '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }';

async function scanStack(doc: Json): Promise<Finding[]> {
  return (await scanPosture({ terraform: [writeJson(doc)], rules: bundledRules() })).findings;
}

/** The chain finding that judges one control ref. */
function forControl(findings: Finding[], eventRule: string, control: string): Finding {
  const f = findings.filter((x) => x.ruleId.startsWith(`cis-monitoring-chain/${eventRule}`) && x.controls.includes(control));
  expect(f).toHaveLength(1);
  return f[0];
}

function setPattern(doc: Json, rule: string, pattern: string): void {
  doc.resource.aws_cloudwatch_log_metric_filter[tfName(rule)].pattern = pattern;
}

describe('the chain judges each CIS version by the pattern that version prescribes', () => {
  test('a filter written to CIS v3.0 4.10 (six names) passes v1.4 and v3.0, fails v5.0+ and names ModifySecurityGroupRules', async () => {
    const doc = goodStack();
    setPattern(doc, SG, SIX_SG);
    const findings = await scanStack(doc);
    for (const c of ['cis-aws@1.4.0:4.10', 'cis-aws@3.0.0:4.10']) {
      const f = forControl(findings, SG, c);
      expect([f.status, f.evidence.patternRelation]).toEqual(['pass', 'equivalent']);
      expect(f.controls).not.toContain('cis-aws@5.0.0:4.10');
    }
    for (const c of ['cis-aws@5.0.0:4.10', 'cis-aws@6.0.0:5.10', 'cis-aws@7.0.0:5.10']) {
      const f = forControl(findings, SG, c);
      expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'metric-filter']);
      expect(f.message).toContain("misses 1 of the control pattern's 7 clauses, so it does not count: $.eventName = \"ModifySecurityGroupRules\"");
      expect(f.message).not.toContain('count other events');
    }
  });

  test('the bundled pattern (seven names) passes every version of 4.10', async () => {
    const findings = await scanStack(goodStack());
    for (const c of ['cis-aws@1.4.0:4.10', 'cis-aws@3.0.0:4.10', 'cis-aws@5.0.0:4.10', 'cis-aws@6.0.0:5.10']) {
      const f = forControl(findings, SG, c);
      expect(f.status).toBe('pass');
    }
    // v1.4/v3.0 see one name more than they prescribe: broader, and the message says which
    const old = forControl(findings, SG, 'cis-aws@3.0.0:4.10');
    expect(old.evidence.patternRelation).toBe('broader');
    expect(old.message).toContain('ModifySecurityGroupRules');
    expect(old.remediation).not.toContain('ModifySecurityGroupRules');
    // the finding judging the rule's own pattern keeps its id
    expect(forControl(findings, SG, 'cis-aws@5.0.0:4.10').ruleId).toBe(`cis-monitoring-chain/${SG}`);
  });

  test('4.13: the v1.4 form (no eventSource) passes v1.4 and is broader for v3.0+; the v3.0+ form passes v1.4 as the accepted variant', async () => {
    const doc = goodStack();
    setPattern(doc, ROUTES, V14_ROUTES);
    let findings = await scanStack(doc);
    expect(forControl(findings, ROUTES, 'cis-aws@1.4.0:4.13').evidence.patternRelation).toBe('equivalent');
    const v3 = forControl(findings, ROUTES, 'cis-aws@3.0.0:4.13');
    expect([v3.status, v3.evidence.patternRelation]).toEqual(['pass', 'broader']);

    findings = await scanStack(goodStack());
    const v14 = forControl(findings, ROUTES, 'cis-aws@1.4.0:4.13');
    expect([v14.status, v14.evidence.patternRelation, v14.evidence.variantRelation]).toEqual(['pass', 'narrower-or-different', 'equivalent']);
    expect(v14.message).toContain('accepted variant');
  });
});

describe('chain messages say exactly what the filter misses', () => {
  test('a single-name list missing one name is named, not taken for another control', async () => {
    const rule = bundledRules().find((r) => r.id === 'cis-iam-policy-changes')!;
    const doc = goodStack();
    setPattern(doc, rule.id, rule.cloudwatch!.filterPattern.replace(' || ($.eventName = "DetachGroupPolicy")', ''));
    expect(doc.resource.aws_cloudwatch_log_metric_filter[tfName(rule.id)].pattern).not.toContain('DetachGroupPolicy');
    const f = forControl(await scanStack(doc), rule.id, 'cis-aws@5.0.0:4.4');
    expect([f.status, f.evidence.brokenAt]).toEqual(['fail', 'metric-filter']);
    expect(f.message).toContain("misses 1 of the control pattern's 16 clauses, so it does not count: $.eventName = \"DetachGroupPolicy\"");
  });

  test('a missing OR inside an AND names the events left out, and nothing reversed', async () => {
    const rule = 'cis-cmk-disable-or-deletion';
    const doc = goodStack();
    setPattern(doc, rule, '{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }');
    const f = forControl(await scanStack(doc), rule, 'cis-aws@5.0.0:4.7');
    expect(f.message).toContain('does not count: $.eventName = "ScheduleKeyDeletion" && $.eventSource = "kms.amazonaws.com"');
    // what the filter's clause requires beyond the missing one is DisableKey: said as such
    expect(f.message).toContain('(the filter\'s closest clause also requires $.eventName = "DisableKey")');
    expect(f.message).not.toContain('lacks');
  });

  test('an extra condition in the filter is said as what the filter requires in addition', async () => {
    const rule = 'cis-console-auth-failures';
    const doc = goodStack();
    setPattern(doc, rule, '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.userIdentity.type = IAMUser) }');
    const f = forControl(await scanStack(doc), rule, 'cis-aws@5.0.0:4.6');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('also requires $.userIdentity.type = "IAMUser"');
  });

  test("another control's filter in the slot is still reported as counting other events", async () => {
    const nacl = bundledRules().find((r) => r.id === 'cis-nacl-changes')!;
    const doc = goodStack();
    setPattern(doc, SG, nacl.cloudwatch!.filterPattern);
    const f = forControl(await scanStack(doc), SG, 'cis-aws@5.0.0:4.10');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('count other events');
  });
});

describe('controlPatterns are checked when the pack loads', () => {
  test('a ref that is not one of the rule controls, or a pattern that does not parse, is an error with its pointer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailproof-rules-'));
    try {
      const doc = JSON.parse(JSON.stringify(require(join(DEFAULT_RULES_DIR, 'cis', `${SG}.json`))));
      doc.cloudwatch.controlPatterns = { 'cis-aws@2.0.0:4.10': SIX_SG, 'cis-aws@1.4.0:4.10': '{ $.eventName = ' };
      writeFileSync(join(dir, 'r.json'), JSON.stringify(doc));
      copyFileSync(join(DEFAULT_RULES_DIR, 'defaults.json'), join(dir, 'defaults.json'));
      const pack = loadRulePack({ dir });
      expect(pack.rules).toHaveLength(0);
      expect(pack.errors.map((e) => e.pointer).sort()).toEqual(['/cloudwatch/controlPatterns/cis-aws@1.4.0:4.10', '/cloudwatch/controlPatterns/cis-aws@2.0.0:4.10']);
      expect(pack.errors.map((e) => e.message).join('\n')).toMatch(/not one of the rule's controls[\s\S]*does not parse|does not parse[\s\S]*not one of the rule's controls/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
