import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatOptionHelp, parseFormats, unknownFormatMessage } from '../../../reports/registry';
import { type Command, EXIT, UsageError } from '../command';
import { endpointOption, timeOption } from '../flags';
import { eventSourceFor, eventSourcesHelp, LOCAL_FILES } from '../../sources/event-sources';

// A function: the formats are the report registry's when help is asked for.
const usage = () => `Usage: trailproof scan [--events PATH...] [--terraform PATH...] [--config PATH...] [--live] [options]

Judge CloudTrail events, Terraform JSON, AWS Config snapshots or live AWS against the rule pack,
and write the reports.

Inputs (any mix; bare arguments count as --events):
  --events SOURCE       where events are read, repeatable, any mix of:
${eventSourcesHelp(26)}
  --iac PATH            cdk.tf.json, a cdktf.out directory or \`terraform show -json\` output (gate before deploy);
                        --terraform is the same option
  --config PATH         AWS Config snapshots or configuration items (.json, .json.gz, directories)
  --live                read the account's configuration live with the AWS SDK (read-only; docs/iam-policy.json)
  --region R            region for --live and the live event sources; repeatable
  --aggregator NAME     read Config through this configuration aggregator (many accounts)
  --account ID          live event sources: only this account; repeatable
  --start-time TIME     live event sources: events at or after this time (ISO 8601, UTC when
                        no zone is given: 2026-01-31, 2026-01-31T08:00:00, 2026-01-31T09:00+01:00)
  --end-time TIME       live event sources: events at or before this time (the same forms)
  --endpoint-url URL    endpoint override for every AWS client (testing, private endpoints)

Judging and reports:
  --rules DIR           rule pack directory (default: the bundled rules/)
  --strict              a rule file that does not load is fatal (exit 2)
  --out DIR             where reports go (default: out)
${formatOptionHelp(24, 'json')}
  --fail-on SEVERITY    critical|high|medium|low|info|none (default low)
  --baseline PATH       a previous findings.json: findings marked new or unchanged, fixed ones listed
  --new-only            apply --fail-on to new findings only (with --baseline): judge a change, not history
  --allow-broken-chains a failing CIS monitoring chain blocks only at --fail-on (default: it
                        blocks whatever its severity; with --new-only, when it is new)
  --allow-coverage-loss a control judged in the --baseline run and by no rule now is reported
                        but does not fail (default: it fails)
  --suppressions PATH   YAML or JSON suppression file (reason, owner and expiry required); repeatable
  --workers N           threads scanning event files: N workers, or the main thread and
                        N-1 workers for fewer than 500 files (default: the number of cores)
  --max-record-bytes N  skip (and report) records larger than N bytes (default 4194304)
  --quiet               no summary on stdout

Memory stays flat however large the input: findings beyond a small in-memory buffer are kept in
sorted runs in a temporary directory ($TMPDIR, or the system's) until the reports are written,
then removed. A large scan needs disk there of about the size of its findings.json.

Exit codes: 0 nothing blocks; 1 failing findings at or above --fail-on, a broken monitoring chain
or coverage lost against the baseline (--fail-on none: nothing blocks); 2 usage error, bad
baseline or suppression file, rule errors under --strict, or a requested input that gave nothing
to judge (no events, no Terraform resources, no configuration items, no live call answered):
the verdict then says NO INPUT, never PASS, and the reports are still written.`;

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer`);
  return n;
}

export const command: Command = {
  name: 'scan',
  summary: 'judge events, Terraform JSON, Config snapshots or live AWS; write the reports',
  get usage() {
    return usage();
  },
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        events: { type: 'string', multiple: true },
        iac: { type: 'string', multiple: true },
        terraform: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true },
        live: { type: 'boolean', default: false },
        region: { type: 'string', multiple: true },
        aggregator: { type: 'string' },
        account: { type: 'string', multiple: true },
        'start-time': { type: 'string' },
        'end-time': { type: 'string' },
        'endpoint-url': { type: 'string' },
        // the old spelling, still accepted with a note
        endpoint: { type: 'string' },
        rules: { type: 'string' },
        strict: { type: 'boolean', default: false },
        out: { type: 'string', default: 'out' },
        format: { type: 'string', default: 'json' },
        'fail-on': { type: 'string', default: 'low' },
        baseline: { type: 'string' },
        'new-only': { type: 'boolean', default: false },
        'allow-broken-chains': { type: 'boolean', default: false },
        'allow-coverage-loss': { type: 'boolean', default: false },
        suppressions: { type: 'string', multiple: true },
        workers: { type: 'string' },
        'max-record-bytes': { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    });
    const { parseFailOn } = await import('../../findings/verdict');
    const events = [...(values.events ?? []), ...positionals].map((e) => (e !== '-' && eventSourceFor(e) === LOCAL_FILES ? resolve(e) : e));
    const terraform = [...(values.iac ?? []), ...(values.terraform ?? [])].map((p) => resolve(p));
    const config = (values.config ?? []).map((p) => resolve(p));
    if (events.length === 0 && terraform.length === 0 && config.length === 0 && !values.live) {
      throw new UsageError('nothing to scan: give --events PATH, --iac PATH, --config PATH or --live');
    }
    if (values.aggregator && !values.live) throw new UsageError('--aggregator needs --live');
    const failOn = parseFailOn(values['fail-on']);
    if (!failOn) throw new UsageError('--fail-on must be one of critical, high, medium, low, info, none');
    const { formats, unknown } = parseFormats(values.format);
    if (unknown.length > 0) throw new UsageError(unknownFormatMessage(unknown));
    const since = timeOption('--start-time', values['start-time']);
    const until = timeOption('--end-time', values['end-time']);
    const endpoint = endpointOption(values);
    const maxRecordBytes = positiveInt('--max-record-bytes', values['max-record-bytes']);
    const workers = positiveInt('--workers', values.workers) ?? availableParallelism();

    const { markPhase } = await import('../timings');
    const { loadRulePack } = await import('../../rules/load');
    const { loadCatalogues } = await import('../../controls/catalogue');
    const { runScan } = await import('../../scan/run-scan');
    const { finishReports } = await import('../../../reports/finish');
    const { ProgressBar } = await import('../../../reports/terminal');
    const { printRuleErrors } = await import('../output');
    const { sanitizeForTerminal } = await import('../../util/terminal');
    const { repoRoot } = await import('../../util/repo-root');

    markPhase('rules');
    const pack = loadRulePack(values.rules ? { dir: resolve(values.rules) } : {});
    if (pack.errors.length > 0) {
      printRuleErrors(pack.errors);
      if (values.strict) return EXIT.USAGE;
    }
    const bar = new ProgressBar(process.stdout);
    markPhase('scan');
    const doc = await runScan({
      pack,
      events,
      terraform,
      config,
      live: values.live ? { regions: values.region, aggregator: values.aggregator, endpoint } : undefined,
      liveEvents: { since, until, regions: values.region, accounts: values.account, endpoint },
      maxRecordBytes,
      workers,
      stdin: process.stdin,
      onProgress: values.quiet ? undefined : (p) => bar.update({ events: p.events, findings: p.findings, path: p.path, done: p.inputs }),
    });
    bar.done();
    markPhase('reports');
    try {
      let result;
      try {
        result = await finishReports(doc, {
          formats,
          outDir: resolve(values.out),
          rules: pack.rules,
          catalogues: loadCatalogues(),
          failOn,
          newOnly: values['new-only'],
          allowBrokenChains: values['allow-broken-chains'],
          allowCoverageLoss: values['allow-coverage-loss'],
          baseline: values.baseline ? resolve(values.baseline) : undefined,
          suppressions: (values.suppressions ?? []).map((p) => resolve(p)),
          // SARIF paths are relative to the repository (code scanning maps them from its root).
          baseDir: repoRoot(process.cwd()),
          commandLine: ['trailproof', ...process.argv.slice(2)],
          onReport: values.quiet ? undefined : (file, i, n) => bar.status(`writing ${file} (${i + 1}/${n})`),
          // In GitHub Actions the PR comment links each path to the scanned commit.
          linkBase:
            process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY && process.env.GITHUB_SHA
              ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/blob/${process.env.GITHUB_SHA}/`
              : undefined,
          requested: [
            ...(events.length > 0 ? (['events'] as const) : []),
            ...(terraform.length > 0 ? (['iac'] as const) : []),
            ...(config.length > 0 ? (['config'] as const) : []),
            ...(values.live ? (['live'] as const) : []),
          ],
          color: process.stdout.isTTY === true && !process.env.NO_COLOR,
        });
      } catch (e) {
        const name = (e as Error).name;
        if (name === 'BaselineError' || name === 'SuppressionFileError') {
          process.stderr.write(`trailproof scan: ${sanitizeForTerminal((e as Error).message)}\n`);
          return EXIT.USAGE;
        }
        throw e;
      }
      markPhase('exit');
      bar.done();
      for (const w of result.warnings) process.stderr.write(`trailproof scan: ${sanitizeForTerminal(w)}\n`);
      if (!values.quiet) process.stdout.write(result.summary);
      if (result.verdict.noInput) {
        const { describeUnread } = await import('../../findings/input-read');
        process.stderr.write(`trailproof scan: no input could be read from ${describeUnread(result.verdict.unread)}; exit 2\n`);
        return EXIT.USAGE;
      }
      return result.verdict.failed ? EXIT.FINDINGS : EXIT.OK;
    } finally {
      // Findings that spilled to disk during the scan are not needed once the reports are written.
      doc.findings.close();
    }
  },
};
