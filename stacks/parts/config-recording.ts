import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubStandardsSubscription } from '@cdktf/provider-aws/lib/securityhub-standards-subscription';
import type { ITerraformDependable } from 'cdktf';
import { assumedBy, configDeliveryRolePolicy } from '../policies';
import { type BuildContext, json } from './context';

export const CONFIG_PREFIX = 'config';

/** `us-east-1` -> `us_east_1`, for Terraform names; the home region gets no suffix. */
function regionSuffix(ctx: BuildContext, region: string): string {
  return region === ctx.config.region ? '' : `_${region.replace(/-/g, '_')}`;
}

/** Resources in the home region leave `region` unset so the provider's region applies. */
function regionArg(ctx: BuildContext, region: string): { region?: string } {
  return region === ctx.config.region ? {} : { region };
}

/**
 * AWS Config in every configured region (CIS 3.3): all supported resource types, global types
 * included, a daily snapshot to the audit bucket, recorder on. One role serves every region.
 */
export function configRecording(ctx: BuildContext, o: { bucket: S3Bucket; key: KmsKey; dependsOn: ITerraformDependable[] }): ConfigConfigurationRecorderStatus[] {
  const { stack, config, policy } = ctx;
  const role = new IamRole(stack, 'config_role', {
    name: `${config.namePrefix}-config-recorder`,
    description: 'AWS Config records resources and delivers snapshots to the audit bucket',
    assumeRolePolicy: json(assumedBy('config.amazonaws.com', policy, { sourceAccount: true })),
  });
  new IamRolePolicyAttachment(stack, 'config_role_managed_policy', {
    role: role.name,
    policyArn: `arn:${config.partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
  });
  const delivery = new IamRolePolicy(stack, 'config_role_delivery_policy', {
    name: 'deliver-to-audit-bucket',
    role: role.id,
    policy: json(configDeliveryRolePolicy(policy, o.bucket.arn, CONFIG_PREFIX, o.key.arn)),
  });
  return config.regions.map((region) => {
    const sfx = regionSuffix(ctx, region);
    const recorder = new ConfigConfigurationRecorder(stack, `config_recorder${sfx}`, {
      ...regionArg(ctx, region),
      name: `${config.namePrefix}-recorder`,
      roleArn: role.arn,
      recordingGroup: {
        allSupported: true,
        includeGlobalResourceTypes: config.config.globalResourcesInAllRegions || region === config.region,
      },
    });
    const channel = new ConfigDeliveryChannel(stack, `config_delivery_channel${sfx}`, {
      ...regionArg(ctx, region),
      name: `${config.namePrefix}-delivery`,
      s3BucketName: o.bucket.id,
      s3KeyPrefix: CONFIG_PREFIX,
      s3KmsKeyArn: o.key.arn,
      snapshotDeliveryProperties: { deliveryFrequency: config.config.snapshotFrequency },
      dependsOn: [recorder, delivery, ...o.dependsOn],
    });
    return new ConfigConfigurationRecorderStatus(stack, `config_recorder_status${sfx}`, {
      ...regionArg(ctx, region),
      name: recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
  });
}

/** CIS 1.2.0 predates Security Hub's regional standards and keeps its global `ruleset` ARN. */
function standardsArn(partition: string, region: string, standard: string): string {
  return standard === 'cis-aws-foundations-benchmark/v/1.2.0'
    ? `arn:${partition}:securityhub:::ruleset/${standard}`
    : `arn:${partition}:securityhub:${region}::standards/${standard}`;
}

/** Security Hub in every configured region (CIS 4.16), with the chosen standards and consolidated control findings. */
export function securityHub(ctx: BuildContext, dependsOn: ITerraformDependable[]): SecurityhubAccount[] {
  const { stack, config } = ctx;
  return config.regions.map((region) => {
    const sfx = regionSuffix(ctx, region);
    const account = new SecurityhubAccount(stack, `securityhub${sfx}`, {
      ...regionArg(ctx, region),
      enableDefaultStandards: false,
      autoEnableControls: true,
      controlFindingGenerator: 'SECURITY_CONTROL',
      // Security Hub's controls read AWS Config; enabling it before the recorder runs yields errors.
      dependsOn,
    });
    config.securityHub.standards.forEach((standard) => {
      const name = standard.replace(/\/v\//, '_v').replace(/[^A-Za-z0-9]+/g, '_');
      new SecurityhubStandardsSubscription(stack, `securityhub_standard_${name}${sfx}`, {
        ...regionArg(ctx, region),
        standardsArn: standardsArn(config.partition, region, standard),
        dependsOn: [account],
      });
    });
    return account;
  });
}
