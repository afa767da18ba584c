import type { BackfillBatchEvent, BackfillReduceEvent } from '../model/lambda-events';
import { type BackfillSettings, type BatchSummary, type MergeSummary, mergeBatches, scanBatch } from './backfill';
import { bundledRulePack, ENV, FUNCTIONS_PREFIX, s3Client } from './environment';
import { asPrefix } from './upload';

/**
 * The backfill function: one entry for both Step Functions tasks, told apart by the payload
 * (a Distributed Map batch carries `Items`; the reduce step only the run).
 */
export async function handler(event: BackfillBatchEvent | BackfillReduceEvent): Promise<BatchSummary | MergeSummary> {
  const env = process.env;
  const bucket = env[ENV.reportsBucket];
  if (!bucket) throw new Error(`${ENV.reportsBucket} is not set: nowhere to write the batch documents`);
  const s3 = s3Client();
  const settings: BackfillSettings = {
    pack: bundledRulePack(),
    s3,
    output: { bucket, prefix: asPrefix(env[ENV.reportsPrefix], FUNCTIONS_PREFIX.backfill), kmsKeyId: env[ENV.reportsKmsKey] },
  };
  try {
    if ('Items' in event && Array.isArray(event.Items)) {
      if (!event.BatchInput?.bucket || !event.BatchInput.runId) throw new Error('a batch needs BatchInput.bucket and BatchInput.runId (the ItemBatcher sets them)');
      return await scanBatch(settings, event);
    }
    const reduce = event as BackfillReduceEvent;
    if (!reduce.runId) throw new Error('neither a Map batch (Items) nor a reduce request (runId)');
    return await mergeBatches(settings, reduce);
  } finally {
    s3.destroy();
  }
}
