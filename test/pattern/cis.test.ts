import { comparePatterns } from '../../src/pattern/compare';
import { parseFilterPattern } from '../../src/pattern/parse';
import { allEventRules } from './support';

/**
 * The CIS AWS Foundations texts (spec cis-and-peers.md 1b, as CIS and Security Hub print them)
 * compared by meaning with the pack's rule for the same control. This is what the posture check
 * does with a deployed filter, here with the benchmark's own text in the deployed role.
 */

const CIS: { control: string; text: string; relation: string; warnings: string[] }[] = [
  {
    control: '4.1',
    // v4.0+ as printed: && binds tighter, so the exclusions only apply to AccessDenied*.
    text: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    relation: 'broader',
    warnings: ['mixed-and-or'],
  },
  {
    control: '4.1',
    // v1.4-v3.0 transcription: all four clauses joined with ||, matching almost everything.
    text: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    relation: 'broader',
    warnings: ['not-equals-under-or', 'not-equals-under-or'],
  },
  { control: '4.1', text: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}', relation: 'broader', warnings: [] },
  { control: '4.2', text: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }', relation: 'equivalent', warnings: [] },
  { control: '4.2', text: '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }', relation: 'equivalent', warnings: [] },
  {
    control: '4.2',
    text: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    relation: 'narrower-or-different',
    warnings: [],
  },
  { control: '4.3', text: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }', relation: 'equivalent', warnings: [] },
  {
    control: '4.4',
    text: '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
    relation: 'equivalent',
    warnings: [],
  },
  { control: '4.5', text: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }', relation: 'equivalent', warnings: [] },
  { control: '4.6', text: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }', relation: 'equivalent', warnings: [] },
  { control: '4.7', text: '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }', relation: 'equivalent', warnings: [] },
  {
    control: '4.8',
    text: '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
    relation: 'equivalent',
    warnings: [],
  },
  {
    control: '4.10',
    // Before v5.0: no ModifySecurityGroupRules, so it misses what the pack's rule catches.
    text: '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
    relation: 'narrower-or-different',
    warnings: [],
  },
  {
    control: '4.13',
    // v3.0+ as printed, without grouping parentheses: only CreateRoute requires ec2.amazonaws.com.
    text: '{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }',
    relation: 'broader',
    warnings: ['mixed-and-or'],
  },
];

const rules = allEventRules();

function ruleFor(control: string) {
  return rules.find((r) => r.controls.includes(`cis-aws@1.4.0:${control}`));
}

describe.each(CIS.map((c, i) => [`${c.control} #${i}`, c] as const))('CIS %s', (_name, c) => {
  const rule = ruleFor(c.control);
  (rule ? test : test.skip)(`printed text vs the pack's rule: ${c.relation}; warnings: ${c.warnings.join(', ') || 'none'}`, () => {
    expect(parseFilterPattern(c.text).warnings.map((w) => w.code)).toEqual(c.warnings);
    const cmp = comparePatterns(c.text, rule!.cloudwatch!.filterPattern);
    expect(cmp.relation).toBe(c.relation);
    expect(cmp.approximate).toBe(false);
    if (c.relation !== 'equivalent') expect(cmp.witness).toBeDefined();
  });
});
