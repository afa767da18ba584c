import type { SqsBatchResponse, SqsEvent } from '../model/lambda-events';
import { detectionHandler } from './detect';
import { bundledRulePack, ENV, type FunctionIdentity, identityOf, publishersFromEnv, publishSeveritiesFromEnv, s3Client } from './environment';

/**
 * The detection function's entry point (the bundle's `handler` export). Clients and the rule pack
 * are made on the first call and kept for the container's life; the account and partition come
 * from the invoked function's ARN.
 */
let run: ReturnType<typeof detectionHandler> | undefined;
let identity: FunctionIdentity | undefined;

export async function handler(event: SqsEvent, context?: { invokedFunctionArn?: string }): Promise<SqsBatchResponse> {
  identity = identityOf(context?.invokedFunctionArn);
  if (!run) {
    const s3 = s3Client();
    run = detectionHandler({
      pack: bundledRulePack(),
      s3,
      publishers: publishersFromEnv(() => identity!, s3),
      metricNamespace: process.env[ENV.metricNamespace] ?? 'CISBenchmark',
      ruleMetricsNamespace: process.env[ENV.ruleMetricsNamespace] || undefined,
      publishSeverities: publishSeveritiesFromEnv(),
    });
  }
  const { batchItemFailures } = await run(event);
  return { batchItemFailures };
}

/** Forget the clients and settings (tests that change the environment between calls). */
export function resetForTests(): void {
  run = undefined;
}
