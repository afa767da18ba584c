import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';

export interface ClientSettings {
  endpoint?: string;
  /** Attempts per call, throttling retries included (SDK standard retry: exponential backoff + jitter). */
  maxAttempts?: number;
}

export interface RegionClients {
  region: string;
  config: ConfigServiceClient;
  cloudtrail: CloudTrailClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  securityhub: SecurityHubClient;
}

/** The SDK modules, imported on first use so commands that never go live never load them. */
export async function sdk() {
  const [config, cloudtrail, logs, cloudwatch, sns, securityhub] = await Promise.all([
    import('@aws-sdk/client-config-service'),
    import('@aws-sdk/client-cloudtrail'),
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-cloudwatch'),
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-securityhub'),
  ]);
  return { config, cloudtrail, logs, cloudwatch, sns, securityhub };
}

export type Sdk = Awaited<ReturnType<typeof sdk>>;

/** One client per service and region; credentials come from the SDK's standard provider chain. */
export function clientsFor(m: Sdk, region: string, s: ClientSettings): RegionClients {
  const base = { region, maxAttempts: s.maxAttempts ?? 8, retryMode: 'standard' as const, ...(s.endpoint ? { endpoint: s.endpoint } : {}) };
  return {
    region,
    config: new m.config.ConfigServiceClient(base),
    cloudtrail: new m.cloudtrail.CloudTrailClient(base),
    logs: new m.logs.CloudWatchLogsClient(base),
    cloudwatch: new m.cloudwatch.CloudWatchClient(base),
    sns: new m.sns.SNSClient(base),
    securityhub: new m.securityhub.SecurityHubClient(base),
  };
}

/** The region the SDK chain resolves (AWS_REGION, profile), for a scan without --region. */
export async function defaultRegion(m: Sdk): Promise<string | undefined> {
  try {
    const c = new m.config.ConfigServiceClient({});
    const r = await c.config.region();
    c.destroy();
    return r;
  } catch {
    return undefined;
  }
}

export function destroyAll(list: RegionClients[]): void {
  for (const c of list) for (const k of ['config', 'cloudtrail', 'logs', 'cloudwatch', 'sns', 'securityhub'] as const) c[k].destroy();
}
