import { EventEvaluator } from '../../src/engine/evaluate';
import { loadRulePack } from '../../src/rules/load';
import { stratusEvents, stratusTechniques } from './support/data';

/**
 * Each Stratus Red Team detonation a rule targets must fire that rule (on at least one of the
 * technique's recorded events). Keys are detonation-log file names without `.json`.
 */
const TARGETS: Record<string, string[]> = {
  'aws.defense-evasion.cloudtrail-event-selectors': ['cloudtrail-event-selectors-changed'],
  'aws.defense-evasion.vpc-remove-flow-logs': ['vpc-flow-logs-deleted'],
  'aws.defense-evasion.dns-delete-logs': ['route53-resolver-query-logging-deleted'],
  'aws.defense-evasion.organizations-leave': ['organizations-leave', 'cis-organizations-changes', 'cis-unauthorized-api-calls'],
  'aws.defense-evasion.cloudtrail-stop': ['cis-cloudtrail-config-changes'],
  'aws.defense-evasion.cloudtrail-delete': ['cis-cloudtrail-config-changes'],
  'aws.exfiltration.ec2-share-ami': ['ec2-ami-shared'],
  'aws.exfiltration.ec2-share-ebs-snapshot': ['ebs-snapshot-shared'],
  'aws.exfiltration.rds-share-snapshot': ['rds-snapshot-shared'],
  'aws.exfiltration.ec2-security-group-open-port-22-ingress': ['security-group-ssh-open-to-internet', 'cis-security-group-changes'],
  'aws.persistence.iam-create-user-login-profile': ['iam-login-profile-created'],
  'aws.privilege-escalation.iam-update-user-login-profile': ['iam-login-profile-updated'],
  'aws.persistence.iam-backdoor-role': ['iam-role-trust-policy-updated'],
  'aws.persistence.iam-backdoor-user': ['iam-access-key-created'],
  'aws.persistence.iam-create-admin-user': ['iam-admin-policy-attached', 'iam-access-key-created', 'cis-iam-policy-changes'],
  'aws.persistence.iam-create-backdoor-role': ['iam-admin-policy-attached', 'cis-iam-policy-changes'],
  'aws.persistence.lambda-backdoor-function': ['lambda-function-public-permission'],
  'aws.persistence.lambda-layer-extension': ['lambda-layer-attached'],
  'aws.persistence.rolesanywhere-create-trust-anchor': ['rolesanywhere-trust-anchor-created'],
  'aws.persistence.sts-federation-token': ['sts-federation-token-issued'],
  'aws.credential-access.secretsmanager-batch-retrieve-secrets': ['secretsmanager-batch-secret-retrieval'],
  'aws.credential-access.ec2-get-password-data': ['cis-unauthorized-api-calls'],
  'aws.discovery.ec2-download-user-data': ['cis-unauthorized-api-calls'],
  'aws.execution.ec2-user-data': ['ec2-user-data-modified'],
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key': ['ec2-serial-console-access-enabled', 'ec2-instance-connect-key-pushed'],
  'aws.lateral-movement.ec2-instance-connect': ['ec2-instance-connect-key-pushed'],
  'aws.initial-access.console-login-without-mfa': ['cis-console-signin-without-mfa'],
};

const pack = loadRulePack();
const evaluator = new EventEvaluator(pack.rules);
const ruleIds = new Set(pack.rules.map((r) => r.id));

describe('Stratus Red Team detonations fire the rules that target them', () => {
  it('every mapped technique file exists and every mapped rule is in the pack', () => {
    const files = new Set(stratusTechniques());
    for (const [technique, ids] of Object.entries(TARGETS)) {
      expect(files.has(technique)).toBe(true);
      for (const id of ids) expect(ruleIds.has(id)).toBe(true);
    }
  });

  it('every detection rule has a Stratus positive', () => {
    const targeted = new Set(Object.values(TARGETS).flat());
    const detections = pack.rules.filter((r) => r.sourcePath.includes('/detections/')).map((r) => r.id);
    expect(detections.length).toBeGreaterThanOrEqual(10);
    expect(detections.filter((id) => !targeted.has(id))).toEqual([]);
  });

  it.each(Object.entries(TARGETS))('%s fires %j', async (technique, ids) => {
    const fired = new Set<string>();
    for (const e of stratusEvents(technique)) for (const id of await evaluator.matches(e)) fired.add(id);
    expect(ids.filter((id) => !fired.has(id))).toEqual([]);
  });
});
