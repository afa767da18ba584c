/**
 * npm run bench:lambda [-- --files N (12)] [-- --per-file N (2000)] [-- --repeat N (5)]
 *
 * The detection function as Lambda would run it, measured in one run beside baselines:
 *   bundle:     esbuild build time, bytes of each bundle, bytes of the zipped asset
 *   cold start: a fresh Node process that loads the detection bundle and handles its first message
 *               (S3's test event: rule pack loaded, clients made, no network), against an empty
 *               Node process (the floor) and `trailproof --help` (the CLI's start), spawn to exit,
 *               --repeat times interleaved, medians
 *   per file:   one process running the bundled handler over generated realistic log files
 *               (scripts/bench/generate.ts, --per-file records each) delivered through s3rver and a
 *               loopback Security Hub, one SQS message per file, timed per message, peak RSS; the
 *               baseline in the same process is the floor any function pays per file: GetObject,
 *               gunzip and JSON.parse of the same object
 * and from those a cost table per 10^8 events (Lambda, SQS, S3 GET, KMS, Security Hub ingestion,
 * the function's own log lines) beside the CloudWatch Logs ingestion of the same trail, at the
 * prices in PRICES (us-east-1, as published when written: check before quoting). JSON line last.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as s3 from '@aws-sdk/client-s3';
import { buildLambdaAsset } from '../src/lambda/bundle';
import { NO_SCHEMA_CACHE } from '../src/lambda/environment';
import { REPO_ROOT } from '../src/version';
import { LoopbackAws } from '../test/lambda/support/loopback-aws';
import { generateTrail } from './bench/generate';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

/** us-east-1 list prices as published by AWS when this was written. */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  s3Get: 0.0004 / 1000,
  kmsRequest: 0.03 / 10000,
  securityHubFindingIngestion: 0.00003,
  logsIngestionGb: 0.5,
} as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function spawnMs(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string; stderr: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-1500)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** The child that runs the bundle: node cold.js <bundle> -> one line of timings. */
const COLD = `
const t0 = process.hrtime.bigint();
const m = require(process.argv[2]);
const t1 = process.hrtime.bigint();
const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' });
m.handler({ Records: [{ messageId: 'm', body }] }, { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:f' }).then((r) => {
  const t2 = process.hrtime.bigint();
  process.stderr.write('COLD ' + JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, firstCallMs: Number(t2 - t1) / 1e6, failures: r.batchItemFailures.length, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\\n');
});
`;

/** The child that runs the bundle over the delivered files, one message each, and the floor per file. */
const WARM = `
const s3 = require(process.argv[3]);
const m = require(process.argv[2]);
const [bucket, ...keys] = JSON.parse(process.argv[4]);
const client = new s3.S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
const { gunzipSync } = require('node:zlib');
(async () => {
  const ctx = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:f' };
  const handlerMs = [], floorMs = [];
  let failures = 0;
  // The first message pays for the rule pack and clients: the cold start, measured apart.
  await m.handler({ Records: [{ messageId: 'warm', body: JSON.stringify({ Event: 's3:TestEvent' }) }] }, ctx);
  for (const [i, key] of keys.entries()) {
    const body = JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key } } }] });
    const t0 = process.hrtime.bigint();
    const r = await m.handler({ Records: [{ messageId: 'm' + i, body }] }, ctx);
    handlerMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    failures += r.batchItemFailures.length;
    const t1 = process.hrtime.bigint();
    const o = await client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
    const doc = JSON.parse(gunzipSync(Buffer.from(await o.Body.transformToByteArray())).toString('utf8'));
    if (!Array.isArray(doc.Records)) throw new Error('not a log file');
    floorMs.push(Number(process.hrtime.bigint() - t1) / 1e6);
  }
  process.stderr.write('WARM ' + JSON.stringify({ handlerMs, floorMs, failures, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

function runChild(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env } });
    let stderr = '';
    let stdout = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.on('data', (d) => (stdout += d));
    p.on('exit', (code) => (code === 0 ? resolve({ stderr, stdout }) : reject(new Error(`child exited ${code}: ${stderr.slice(-1500)}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '12' }, 'per-file': { type: 'string', default: '2000' }, repeat: { type: 'string', default: '5' } } });
  const files = Number(values.files);
  const perFile = Number(values['per-file']);
  const repeat = Number(values.repeat);
  const work = mkdtempSync(join(tmpdir(), 'trailproof-bench-lambda-'));
  try {
    // Bundle.
    const b0 = Date.now();
    const asset = buildLambdaAsset(join(work, 'asset'));
    const buildMs = Date.now() - b0;
    const zip = join(work, 'asset.zip');
    spawnSync('python3', ['-c', 'import sys,os,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\nfor d,_,fs in os.walk(sys.argv[2]):\n  for f in fs: p=os.path.join(d,f); z.write(p, os.path.relpath(p, sys.argv[2]))', zip, asset.dir]);
    const zipBytes = statSync(zip).size;
    const bundle = join(asset.dir, 'handler', 'detect.js');

    // Cold start, interleaved with its baselines.
    writeFileSync(join(work, 'cold.js'), COLD);
    // The function's environment as the stack sets it (stacks/parts/functions.ts), credentials for s3rver.
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', TRAILPROOF_SECURITY_HUB: 'true', ...NO_SCHEMA_CACHE };
    const cold = { processMs: [] as number[], requireMs: [] as number[], firstCallMs: [] as number[], rssMB: [] as number[], emptyNodeMs: [] as number[], cliHelpMs: [] as number[] };
    for (let i = 0; i < repeat; i++) {
      cold.emptyNodeMs.push(spawnMs([process.execPath, '-e', ''], work).ms);
      const r = spawnMs([process.execPath, join(work, 'cold.js'), bundle], work, env);
      const line = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('COLD '))!.slice(5));
      cold.processMs.push(r.ms);
      cold.requireMs.push(line.requireMs);
      cold.firstCallMs.push(line.firstCallMs);
      cold.rssMB.push(line.maxRssMB);
      cold.cliHelpMs.push(spawnMs([process.execPath, join(REPO_ROOT, 'bin', 'trailproof.js'), '--help'], REPO_ROOT).ms);
    }

    // Per file, through s3rver and the loopback Security Hub.
    const trail = generateTrail(join(work, 'trail'), files * perFile, perFile);
    let plainBytes = 0;
    for (const f of trail.files) plainBytes += gunzipSync(readFileSync(f)).length;
    const aws = new LoopbackAws();
    await aws.start();
    const srv = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(work, 's3'), configureBuckets: [{ name: 'bench-trail' }] });
    const addr = (await srv.run()) as { port: number };
    const endpoint = `http://127.0.0.1:${addr.port}`;
    const client = new s3.S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const keys: string[] = [];
    for (const f of trail.files) {
      const key = relative(trail.dir, f);
      await client.send(new s3.PutObjectCommand({ Bucket: 'bench-trail', Key: key, Body: readFileSync(f) }));
      keys.push(key);
    }
    writeFileSync(join(work, 'warm.js'), WARM);
    const out = await runChild(join(work, 'warm.js'), [bundle, require.resolve('@aws-sdk/client-s3'), JSON.stringify(['bench-trail', ...keys])], work, {
      ...env,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_SECURITYHUB: aws.endpoint,
    });
    const warm = JSON.parse(out.stderr.split('\n').find((l) => l.startsWith('WARM '))!.slice(5)) as { handlerMs: number[]; floorMs: number[]; failures: number; maxRssMB: number };
    const logBytes = out.stdout.length;
    const findings = aws.hubFindings.size;
    const findingsMediumUp = [...aws.hubFindings.values()].filter((f) => ['CRITICAL', 'HIGH', 'MEDIUM'].includes(f.Severity.Label)).length;
    await srv.close();
    await aws.stop();
    client.destroy();
    if (warm.failures > 0) throw new Error(`${warm.failures} messages failed`);

    // Costs per 10^8 events, from the measurements.
    const events = 1e8;
    const fileCount = events / perFile;
    const perFileMs = median(warm.handlerMs);
    const bytesPerEvent = plainBytes / trail.events;
    // Lambda gives a function CPU in proportion to memory (one vCPU at 1,769 MB): below that, this
    // single-threaded work takes 1,769/MB times the one-core time measured here, so GB-seconds (and
    // the price) come out the same at any size up to 1,769 MB; above it they grow with memory.
    const gbSeconds = fileCount * (perFileMs / 1000) * (1769 / 1024);
    const batch = 10;
    const cost = {
      lambdaCompute: gbSeconds * PRICES.lambdaArmGbSecond,
      lambdaRequests: (fileCount / batch) * PRICES.lambdaRequest,
      // S3 sends each notification; the mapping receives and deletes in batches.
      sqsRequests: (fileCount + 2 * (fileCount / batch)) * PRICES.sqsRequest,
      s3Gets: fileCount * PRICES.s3Get,
      // One Decrypt of each SSE-KMS log file's data key.
      kmsDecrypts: fileCount * PRICES.kmsRequest,
      securityHubIngestion: (findings / trail.events) * events * PRICES.securityHubFindingIngestion,
      // With detection.severities ["critical", "high", "medium"]: the low rules (unauthorized calls among them) counted, not imported.
      securityHubIngestionMediumAndUp: (findingsMediumUp / trail.events) * events * PRICES.securityHubFindingIngestion,
      functionLogIngestion: ((logBytes / files) * (fileCount / batch) * PRICES.logsIngestionGb) / 1e9,
      cloudWatchLogsIngestionOfTrail: ((bytesPerEvent * events) / 1e9) * PRICES.logsIngestionGb,
    };
    const carrying = cost.lambdaCompute + cost.lambdaRequests + cost.sqsRequests + cost.s3Gets + cost.kmsDecrypts + cost.functionLogIngestion;
    const detectionTotal = carrying + cost.securityHubIngestion;
    const detectionTotalMediumUp = carrying + cost.securityHubIngestionMediumAndUp;
    const result = {
      buildMs,
      bundleBytes: asset.bytes,
      assetZipBytes: zipBytes,
      coldProcessMs: median(cold.processMs),
      coldRequireMs: median(cold.requireMs),
      coldFirstCallMs: median(cold.firstCallMs),
      coldPeakRssMB: Math.max(...cold.rssMB),
      emptyNodeMs: median(cold.emptyNodeMs),
      cliHelpMs: median(cold.cliHelpMs),
      coldVsEmptyNode: median(cold.processMs) / median(cold.emptyNodeMs),
      files,
      eventsPerFile: perFile,
      fileGzBytes: Math.round(trail.bytes / files),
      filePlainBytes: Math.round(plainBytes / files),
      perFileHandlerMs: perFileMs,
      perFileFloorMs: median(warm.floorMs),
      handlerVsFloor: perFileMs / median(warm.floorMs),
      handlerPeakRssMB: warm.maxRssMB,
      findingsPerMillionEvents: (findings / trail.events) * 1e6,
      bytesPerEvent,
      costPer1e8Events: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      findingsMediumAndUpPerMillionEvents: (findingsMediumUp / trail.events) * 1e6,
      perFileMsAt512MB: perFileMs * (1769 / 512),
      detectionTotal: Math.round(detectionTotal * 100) / 100,
      detectionTotalMediumAndUp: Math.round(detectionTotalMediumUp * 100) / 100,
      detectionWithoutSecurityHub: Math.round(carrying * 100) / 100,
      vsCloudWatchLogs: Math.round((detectionTotal / cost.cloudWatchLogsIngestionOfTrail) * 1000) / 1000,
      vsCloudWatchLogsMediumAndUp: Math.round((detectionTotalMediumUp / cost.cloudWatchLogsIngestionOfTrail) * 1000) / 1000,
      vsCloudWatchLogsWithoutSecurityHub: Math.round((carrying / cost.cloudWatchLogsIngestionOfTrail) * 1000) / 1000,
      prices: PRICES,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
