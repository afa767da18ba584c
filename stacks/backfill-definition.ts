/**
 * The backfill state machine in Amazon States Language (pure data, no cdktf). Written from the
 * Step Functions developer guide's Distributed Map pages (ItemReader with `s3:listObjectsV2`,
 * ItemBatcher with BatchInput, ResultWriter):
 *
 *   input { "prefix": "AWSLogs/111122223333/CloudTrail/", "since": "2026-01-01", "until": "2026-12-31" }
 *   ScanArchive (Map, DISTRIBUTED): every object under the prefix, in batches, each batch to the
 *     backfill function (scanBatch: one batch document per batch); results written to S3 so the
 *     state's output stays small however many batches run
 *   Merge (Task): the same function merges the batch documents into one findings.json
 *
 * The window is applied to the objects' date folders by the function (an S3 listing takes only a
 * prefix): narrow the prefix (account, region, year) to list less.
 */
export interface BackfillDefinitionOptions {
  partition: string;
  functionArn: string;
  archiveBucket: string;
  resultsBucket: string;
  resultsPrefix: string;
  itemsPerBatch: number;
  maxConcurrency: number;
}

/** Lambda's transient errors, retried as the Step Functions guide recommends for Lambda tasks. */
const LAMBDA_RETRY = [
  { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
];

export function backfillDefinition(o: BackfillDefinitionOptions): Record<string, unknown> {
  return {
    Comment: 'trailproof backfill: scan the CloudTrail archive with the rule pack, merge into one findings.json',
    StartAt: 'ScanArchive',
    States: {
      ScanArchive: {
        Type: 'Map',
        ItemReader: { Resource: `arn:${o.partition}:states:::s3:listObjectsV2`, Parameters: { Bucket: o.archiveBucket, 'Prefix.$': '$.prefix' } },
        ItemBatcher: {
          MaxItemsPerBatch: o.itemsPerBatch,
          BatchInput: { bucket: o.archiveBucket, 'runId.$': '$$.Execution.Name', 'since.$': '$.since', 'until.$': '$.until' },
        },
        MaxConcurrency: o.maxConcurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'ScanBatch',
          States: {
            ScanBatch: {
              Type: 'Task',
              Resource: `arn:${o.partition}:states:::lambda:invoke`,
              Parameters: { FunctionName: o.functionArn, 'Payload.$': '$' },
              ResultSelector: { 'summary.$': '$.Payload' },
              Retry: LAMBDA_RETRY,
              End: true,
            },
          },
        },
        ResultWriter: { Resource: `arn:${o.partition}:states:::s3:putObject`, Parameters: { Bucket: o.resultsBucket, Prefix: `${o.resultsPrefix}map-results` } },
        ResultPath: '$.map',
        Next: 'Merge',
      },
      Merge: {
        Type: 'Task',
        Resource: `arn:${o.partition}:states:::lambda:invoke`,
        Parameters: { FunctionName: o.functionArn, Payload: { 'runId.$': '$$.Execution.Name' } },
        ResultSelector: { 'merged.$': '$.Payload' },
        Retry: LAMBDA_RETRY,
        End: true,
      },
    },
  };
}
