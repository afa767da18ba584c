import type { PostureScanEvent } from '../model/lambda-events';
import { bundledRulePack, ENV, FUNCTIONS_PREFIX, type FunctionIdentity, identityOf, s3Client } from './environment';
import { type PostureRun, runPostureScan } from './posture';
import { SecurityHubPublisher } from './publish';
import { securityHubClient } from './environment';
import { asPrefix } from './upload';

/** The scheduled posture scan's entry point (EventBridge Scheduler invokes it with the schedule's input). */
export async function handler(event: PostureScanEvent | undefined, context?: { invokedFunctionArn?: string }): Promise<PostureRun> {
  const env = process.env;
  const identity: FunctionIdentity = identityOf(context?.invokedFunctionArn);
  const bucket = env[ENV.reportsBucket];
  if (!bucket) throw new Error(`${ENV.reportsBucket} is not set: nowhere to write the reports`);
  const regions = (env[ENV.regions] ?? identity.region).split(',').map((r) => r.trim()).filter(Boolean);
  const s3 = s3Client();
  try {
    const run = await runPostureScan(
      {
        pack: bundledRulePack(),
        s3,
        reports: { bucket, prefix: asPrefix(env[ENV.reportsPrefix], FUNCTIONS_PREFIX.posture), kmsKeyId: env[ENV.reportsKmsKey] },
        publishers: env[ENV.securityHub] === 'true' ? [new SecurityHubPublisher(securityHubClient(), () => ({ ...identity, now: new Date() }))] : [],
        regions,
        aggregator: env[ENV.aggregator] || undefined,
      },
      event ?? {},
    );
    process.stdout.write(`${JSON.stringify({ level: 'info', function: 'posture', ...run, published: run.published.map((o) => ({ channel: o.channel, published: o.published, failed: o.failed.length })) })}\n`);
    return run;
  } finally {
    s3.destroy();
  }
}
