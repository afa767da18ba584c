import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatOptionHelp, parseFormats, unknownFormatMessage } from '../../../reports/registry';
import { type Command, EXIT, UsageError } from '../command';
import { timeOption } from '../flags';
import { sanitizeForTerminal as t } from '../../util/terminal';
import type { FindingsDocument } from '../../model/finding';
import type { ObjectStore } from '../../model/object-store';
import type { KeyProvider } from '../../integrity/key-provider';
import { parsePublicKeyFile, type PublicKeyEntry } from '../../integrity/public-keys';
import type { Progress } from '../../integrity/validate';
import type { ValidationResult } from '../../integrity/results';

// A function: the formats are the report registry's when help is asked for.
const usage = () => `Usage: trailproof validate-logs --s3-bucket NAME --start-time TIME [options]

Validate CloudTrail log files against their signed digest chain, in S3 or in a local mirror of
the bucket. Accounts, regions, trails and organization ids are read from the key layout.

Where:
  --s3-bucket NAME        the trail's bucket (required; with --local, the name digests were signed for)
  --s3-prefix PREFIX      the trail's S3KeyPrefix (default: none)
  --local DIR             read a local mirror of the bucket (\`aws s3 sync\`), each digest's S3
                          metadata in <digest>.metadata.json ({"signature": ..., "signature-algorithm": ...})
When:
  --start-time TIME       ISO 8601 date or date-time, UTC when no zone is given (2026-01-31,
                          2026-01-31T08:00:00, 2026-01-31T09:00+01:00); required
  --end-time TIME         the same forms; default: now
Which:
  --trail-arn ARN         only this trail (name, home region and account from the ARN)
  --account ID            only these accounts (repeatable)
  --region REGION         only these delivering regions (repeatable)
  --trail NAME            only these trail names (repeatable)
  --org-id o-ID           only this organization's folders
  --skip-uncovered        do not list CloudTrail/ folders for log files no digest lists
Keys:
  --public-keys [REGION=]FILE  keys saved from \`aws cloudtrail list-public-keys\` (offline;
                          repeatable; REGION= ties a file to the region it was listed in).
                          Without it, keys are fetched with ListPublicKeys in each source region.
AWS:
  --endpoint-url URL      S3-compatible endpoint (path-style); S3 calls follow the bucket to its
                          region, starting in AWS_REGION (default us-east-1)
  --cloudtrail-endpoint-url URL  CloudTrail endpoint for ListPublicKeys
Output:
  --out DIR               where the reports go (default: out)
${formatOptionHelp(26, 'json')}
  --concurrency N         objects read at once (default 8; bounds memory)
  --verbose               a line for every file, valid ones too
  --quiet                 no per-file lines and no summary

Exit codes: 0 everything valid; 1 anything invalid, missing, uncovered, or a gap in the chain;
2 usage error, the bucket could not be listed, or no digest or log file was found in the range.`;

const TRAIL_ARN = /^arn:[^:]+:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

function loadKeyFiles(specs: string[]): PublicKeyEntry[] {
  const entries: PublicKeyEntry[] = [];
  for (const spec of specs) {
    const m = /^([a-z]{2}(?:-[a-z0-9]+)+)=(.+)$/.exec(spec);
    const [region, file] = m ? [m[1], m[2]] : [null, spec];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--public-keys ${file}: ${(e as Error).message}`);
    }
    const parsed = parsePublicKeyFile(text, region);
    if (parsed.errors.length) throw new UsageError(`--public-keys ${file}: ${parsed.errors.join('; ')}`);
    entries.push(...parsed.entries);
  }
  return entries;
}

export const command: Command = {
  name: 'validate-logs',
  summary: 'validate CloudTrail log files against their signed digest chain (S3 or a local mirror)',
  get usage() {
    return usage();
  },
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        's3-bucket': { type: 'string' },
        's3-prefix': { type: 'string', default: '' },
        local: { type: 'string' },
        'start-time': { type: 'string' },
        'end-time': { type: 'string' },
        'trail-arn': { type: 'string' },
        account: { type: 'string', multiple: true },
        region: { type: 'string', multiple: true },
        trail: { type: 'string', multiple: true },
        'org-id': { type: 'string', multiple: true },
        'skip-uncovered': { type: 'boolean', default: false },
        'public-keys': { type: 'string', multiple: true },
        // an old option, still accepted with a note (see below)
        'aws-region': { type: 'string' },
        'endpoint-url': { type: 'string' },
        'cloudtrail-endpoint-url': { type: 'string' },
        out: { type: 'string', default: 'out' },
        format: { type: 'string', default: 'json' },
        concurrency: { type: 'string', default: '8' },
        verbose: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    const bucket = values['s3-bucket'];
    if (!bucket) throw new UsageError('--s3-bucket is required (with --local, the bucket the mirror was copied from)');
    const start = timeOption('--start-time', values['start-time']);
    if (!start) throw new UsageError('--start-time is required');
    const end = timeOption('--end-time', values['end-time']) ?? new Date();
    if (start > end) throw new UsageError('Invalid time range specified: start-time must occur before end-time');
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError('--concurrency must be an integer from 1 to 256');
    const prefix = values['s3-prefix'].replace(/^\/+|\/+$/g, '');
    const accounts = [...(values.account ?? [])];
    const trails = [...(values.trail ?? [])];
    const homeRegions: string[] = [];
    if (values['trail-arn']) {
      const m = TRAIL_ARN.exec(values['trail-arn']);
      if (!m) throw new UsageError(`--trail-arn: not a trail ARN: ${values['trail-arn']}`);
      homeRegions.push(m[1]);
      trails.push(m[3]);
      // An organization trail's ARN names the management account; members are validated too unless --account says otherwise.
      if (!values['org-id'] && accounts.length === 0) accounts.push(m[2]);
    }
    for (const a of accounts) if (!/^\d{12}$/.test(a)) throw new UsageError(`--account: not an account id: ${a}`);
    const { formats, unknown } = parseFormats(values.format);
    if (unknown.length) throw new UsageError(unknownFormatMessage(unknown));
    const keyFiles = values['public-keys'] ?? [];
    const staticKeys = keyFiles.length ? loadKeyFiles(keyFiles) : undefined;

    if (values['aws-region'] !== undefined) {
      // Not an alias of --region, which narrows the regions validated: this one only chose where
      // S3 calls start, and they follow the bucket to its region anyway.
      process.stderr.write('trailproof: --aws-region is deprecated; S3 calls follow the bucket to its region (set AWS_REGION to choose where they start)\n');
    }
    let store: ObjectStore;
    if (values.local) {
      const dir = resolve(values.local);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--local: not a directory: ${dir}`);
      const { LocalMirrorStore } = await import('../../sources/local-mirror-store');
      store = new LocalMirrorStore(new Map([[bucket, dir]]));
    } else {
      const s3 = await import('@aws-sdk/client-s3');
      const client = new s3.S3Client({
        region: values['aws-region'] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        ...(values['endpoint-url'] ? { endpoint: values['endpoint-url'], forcePathStyle: true } : {}),
        followRegionRedirects: true,
      });
      const { S3ObjectStore } = await import('../../sources/s3-object-store');
      store = new S3ObjectStore(s3, client);
    }

    let keys: KeyProvider;
    const { StaticKeyProvider, LiveKeyProvider } = await import('../../integrity/key-provider');
    if (staticKeys) keys = new StaticKeyProvider(staticKeys);
    else {
      if (values.local) throw new UsageError('--local needs --public-keys FILE (saved from `aws cloudtrail list-public-keys`) for offline validation');
      const ct = await import('@aws-sdk/client-cloudtrail');
      const endpoint = values['cloudtrail-endpoint-url'];
      keys = new LiveKeyProvider(ct, (region) => new ct.CloudTrailClient({ region, ...(endpoint ? { endpoint } : {}) }));
    }

    const where = values.local ? `${resolve(values.local)} (mirror of s3://${bucket}${prefix ? `/${prefix}` : ''})` : `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
    if (!values.quiet) process.stdout.write(`Validating log files in ${t(where)} between ${iso(start)} and ${iso(end)}\n\n`);

    const progress = progressLine(!values.quiet && process.stderr.isTTY === true);
    const { validateLogs } = await import('../../integrity/validate');
    const startedAt = new Date();
    let result: ValidationResult;
    try {
      result = await validateLogs({
        store,
        bucket,
        prefix,
        start,
        end,
        filters: { accounts, regions: values.region, trails, homeRegions, orgIds: values['org-id'] },
        keys,
        concurrency,
        uncovered: !values['skip-uncovered'],
        onProgress: progress.update,
      });
    } catch (e) {
      progress.done();
      const err = e as Error & { location?: string };
      process.stderr.write(`trailproof validate-logs: ${t(err.location ? `${err.location}: ` : '')}${t(err.message)}\n`);
      return EXIT.USAGE;
    }
    progress.done();
    const finishedAt = new Date();

    const { toFindings, INTEGRITY_RULES } = await import('../../integrity/to-findings');
    const { summarize } = await import('../../findings/summary');
    const { TOOL_VERSION } = await import('../../version');
    const { findings, inputs } = toFindings(result);
    const doc: FindingsDocument = {
      schemaVersion: '1.0',
      tool: { name: 'trailproof', version: TOOL_VERSION },
      rulePack: { rules: Object.keys(INTEGRITY_RULES).length, sha256: createHash('sha256').update(JSON.stringify(INTEGRITY_RULES)).digest('hex'), errors: [] },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      inputs,
      findings,
      summary: summarize(findings, 0, 0),
    };
    const outDir = resolve(values.out);
    const { files, failed } = await writeOutputs(doc, formats, outDir);
    if (!values.quiet) process.stdout.write(renderText(result, values.verbose, files));
    if (result.digests.length === 0 && result.logs.length === 0) {
      // Nothing to validate is not "everything valid": a wrong prefix, bucket or mirror would pass.
      process.stderr.write(`trailproof validate-logs: no digest or log files found in ${t(where)} between ${iso(start)} and ${iso(end)}; nothing was validated\n`);
      return EXIT.USAGE;
    }
    return failed || result.errors.some((e) => !e.skipped) ? EXIT.FINDINGS : EXIT.OK;
  },
};

/**
 * The reports and the verdict through the path every command takes (reports/finish.ts). There
 * are no suppressions, baselines or construct waivers here, and every integrity rule is medium
 * or high, so the default --fail-on low blocks on any file invalid, missing, uncovered or any gap.
 */
async function writeOutputs(doc: FindingsDocument, formats: string[], outDir: string): Promise<{ files: string[]; failed: boolean }> {
  const { finishReports } = await import('../../../reports/finish');
  try {
    const done = await finishReports(doc, { formats, outDir, rules: [], catalogues: [], constructWaivers: false });
    return { files: done.files, failed: done.verdict.failed };
  } catch (e) {
    // findings.json is the contract; write it even if a renderer refuses, and say why.
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'findings.json');
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    process.stderr.write(`trailproof validate-logs: reports not written: ${t((e as Error).message)}\n`);
    return { files: [file], failed: doc.findings.some((f) => f.status === 'fail') };
  }
}

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** aws-cli's line shapes: `<Digest file|Log file>\t<where>\t<result>`, then counts. */
function renderText(r: ValidationResult, verbose: boolean, files: string[]): string {
  const out: string[] = [];
  const line = (kind: string, where: string, msg: string): void => void out.push(`${kind}\t${t(where)}\t${t(msg)}`);
  const digests = [...r.digests].sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  for (const d of digests) {
    if (d.valid && !verbose) continue;
    line(`${d.backfill ? '(backfill) ' : ''}Digest file`, d.location, d.valid ? 'valid' : `INVALID: ${d.reasons.map((x) => x.message).join('; ')}`);
  }
  for (const g of r.gaps) out.push(`No log files were delivered by CloudTrail between ${g.from} and ${g.to} (${t(g.chain.account)} ${t(g.chain.sourceRegion)} ${t(g.chain.trailName)})`);
  for (const l of [...r.logs].sort((a, b) => (a.key < b.key ? 1 : -1))) {
    if (l.status === 'valid' && !verbose) continue;
    const msg = l.status === 'valid' ? 'valid' : `${l.status === 'pending' ? 'PENDING' : 'INVALID'}: ${l.reasons.map((x) => x.message).join('; ')}`;
    line('Log file', l.location, msg);
  }
  for (const e of r.errors) if (!e.skipped || verbose) out.push(`${e.skipped ? 'Skipped' : 'Error'}\t${t(e.location)}\t${t(e.message)}`);
  if (out.length) out.push('');

  out.push(`Results requested for ${iso(r.start)} to ${iso(r.end)}`);
  if (r.chains.length === 0) out.push('No digests found');
  for (const c of [...r.chains].sort((a, b) => `${a.chain.account}${a.chain.sourceRegion}${a.chain.trailName}`.localeCompare(`${b.chain.account}${b.chain.sourceRegion}${b.chain.trailName}`))) {
    const name = `${c.chain.orgId ? `${c.chain.orgId}/` : ''}${c.chain.account} ${c.chain.sourceRegion} trail ${c.chain.trailName} (home ${c.chain.homeRegion})${c.backfill ? ' backfill' : ''}`;
    out.push(`  ${t(name)}: ${c.from ? `results found for ${clamp(c.from, r.start, 'max')} to ${clamp(c.to!, r.end, 'min')}` : 'No valid digests found in range'}`);
  }
  const ratio = (label: string, ok: number, all: number): void => {
    if (all === 0) return;
    out.push(`${ok}/${all} ${label} valid${all > ok ? `, ${all - ok}/${all} ${label} INVALID` : ''}`);
  };
  const std = r.digests.filter((d) => !d.backfill);
  const bf = r.digests.filter((d) => d.backfill);
  ratio('digest files', std.filter((d) => d.valid).length, std.length);
  ratio('backfill digest files', bf.filter((d) => d.valid).length, bf.length);
  const listed = r.logs.filter((l) => l.listedBy.length > 0);
  ratio('log files', listed.filter((l) => l.status === 'valid').length, listed.length);
  const uncovered = r.logs.filter((l) => l.listedBy.length === 0);
  if (uncovered.length) out.push(`${uncovered.filter((l) => l.status === 'invalid').length} log files listed by no valid digest, ${uncovered.filter((l) => l.status === 'pending').length} newer than the newest digest`);
  if (r.gaps.length) out.push(`${r.gaps.length} gap(s) in the digest chain`);
  for (const f of files) out.push(`wrote ${t(f)}`);
  return `${out.join('\n')}\n`;
}

function clamp(s: string, bound: Date, how: 'max' | 'min'): string {
  const d = new Date(s);
  return iso(how === 'max' ? (d < bound ? bound : d) : d > bound ? bound : d);
}

/** One self-overwriting stderr line on a terminal; nothing otherwise (CI logs stay clean). */
function progressLine(enabled: boolean): { update: (p: Progress) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      process.stderr.write(`\r\u001b[2Kdigests ${p.digests}  logs ${p.logsDone}/${p.logsQueued}`);
    },
    done() {
      if (shown) process.stderr.write('\r\u001b[2K');
    },
  };
}
