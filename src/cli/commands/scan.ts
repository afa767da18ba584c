import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { type Command, EXIT, UsageError } from '../command';
import { loadRulePack } from '../../rules/load';
import { runScan, nothingReadable, writeFindingsJson } from '../../scan/run-scan';
import { blockingFindings, parseFailOn } from '../../scan/verdict';
import { printRuleErrors, printScanSummary } from '../output';

const USAGE = `Usage: trailproof scan --events PATH... [options]

Scan CloudTrail events (files, directories, .json/.json.gz/.jsonl, - for stdin) against the rule pack.

Options:
  --events PATH         CloudTrail input; repeatable (bare arguments count as --events too)
  --rules DIR           rule pack directory (default: the bundled rules/)
  --out DIR             where reports go (default: out)
  --format LIST         comma-separated: json (default json)
  --fail-on SEVERITY    critical|high|medium|low|info|none (default low)
  --strict              a rule file that does not load is fatal (exit 2)
  --max-record-bytes N  skip (and report) records larger than N bytes (default 4194304)
  --quiet               no summary on stdout

Exit codes: 0 nothing failing at or above --fail-on; 1 failing findings; 2 usage error, rule
errors under --strict, or no input readable.`;

export const command: Command = {
  name: 'scan',
  summary: 'scan CloudTrail events against the rule pack and write findings.json',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        events: { type: 'string', multiple: true },
        rules: { type: 'string' },
        out: { type: 'string', default: 'out' },
        format: { type: 'string', default: 'json' },
        'fail-on': { type: 'string', default: 'low' },
        strict: { type: 'boolean', default: false },
        'max-record-bytes': { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    });
    const events = [...(values.events ?? []), ...positionals];
    if (events.length === 0) throw new UsageError('nothing to scan: give --events PATH');
    const failOn = parseFailOn(values['fail-on']);
    if (!failOn) throw new UsageError(`--fail-on must be one of critical, high, medium, low, info, none`);
    let maxRecordBytes: number | undefined;
    if (values['max-record-bytes'] !== undefined) {
      maxRecordBytes = Number(values['max-record-bytes']);
      if (!Number.isInteger(maxRecordBytes) || maxRecordBytes <= 0) throw new UsageError('--max-record-bytes must be a positive integer');
    }
    const formats = values.format.split(',').map((s) => s.trim()).filter(Boolean);
    for (const f of formats) if (f !== 'json') throw new UsageError(`unknown format "${f}"`);

    const pack = loadRulePack(values.rules ? { dir: resolve(values.rules) } : {});
    if (pack.errors.length > 0) {
      printRuleErrors(pack.errors);
      if (values.strict) return EXIT.USAGE;
    }
    const doc = await runScan({ pack, events, maxRecordBytes, stdin: process.stdin });
    const file = writeFindingsJson(doc, resolve(values.out));
    const blocking = blockingFindings(doc.findings, failOn);
    if (!values.quiet) printScanSummary(doc, [file], blocking.length, failOn);
    if (nothingReadable(doc)) {
      process.stderr.write('trailproof scan: no input could be read\n');
      return EXIT.USAGE;
    }
    return blocking.length > 0 ? EXIT.FINDINGS : EXIT.OK;
  },
};
