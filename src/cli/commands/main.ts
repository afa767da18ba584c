import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatOptionHelp, parseFormats, unknownFormatMessage } from '../../../reports/registry';
import { type Command, EXIT } from '../command';
import { REPO_ROOT } from '../../version';
import type { Finding } from '../../model/finding';

// A function: the formats are the report registry's when help is asked for.
const usage = () => `Usage: trailproof main [--out DIR] [--format LIST]

The main job on the bundled sample data (what \`npm start\` runs):
  1. synthesizes the audit stacks (stacks/, trailproof.config.json) into DIR/cdktf.out;
  2. scans the sample CloudTrail logs (samples/cloudtrail), the sample AWS Config items
     (samples/config) and the synthesized Terraform JSON with the full rule pack;
  3. writes the reports --format asks for (every one by default; see below) to DIR (default
     out/) and prints the summary and the deploy gate's verdict.
Exits 0 when the job ran and the synthesized stacks pass the gate (the samples are attack
recordings, so their findings are expected); 1 if the stacks fail the gate; 2 if the rule pack,
the stack configuration or the samples could not be read.

Options:
  --out DIR             where the synthesized stacks and the reports go (default: out)
${formatOptionHelp(24, 'all')}`;

export const command: Command = {
  name: 'main',
  summary: 'the main job on the bundled samples (npm start): synth, scan, gate, reports in out/',
  get usage() {
    return usage();
  },
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string', default: 'out' }, format: { type: 'string', default: 'all' } },
    });
    const { loadRulePack } = await import('../../rules/load');
    const { loadCatalogues } = await import('../../controls/catalogue');
    const { runScan } = await import('../../scan/run-scan');
    const { finishReports } = await import('../../../reports/finish');
    const { printRuleErrors } = await import('../output');
    const { sanitizeForTerminal: t } = await import('../../util/terminal');
    const { repoRoot } = await import('../../util/repo-root');
    const out = resolve(values.out);
    const { formats, unknown } = parseFormats(values.format);
    if (unknown.length > 0) {
      process.stderr.write(`trailproof main: ${t(unknownFormatMessage(unknown))}\n`);
      return EXIT.USAGE;
    }
    const pack = loadRulePack();
    if (pack.errors.length > 0) {
      printRuleErrors(pack.errors);
      return EXIT.USAGE;
    }

    let synthDir: string;
    try {
      const { synthesize } = await import('../../../stacks/synth');
      const synth = synthesize(join(out, 'cdktf.out'));
      for (const w of synth.warnings) process.stderr.write(`trailproof main: synth warning: ${t(w)}\n`);
      process.stdout.write(`synthesized ${synth.stacks.join(', ')} (${synth.alarms} rule alarms) into ${t(synth.outdir)}\n`);
      synthDir = synth.outdir;
    } catch (e) {
      process.stderr.write(`trailproof main: cannot synthesize the stacks: ${t((e as Error).message)}\n`);
      return EXIT.USAGE;
    }

    const doc = await runScan({
      pack,
      events: [join(REPO_ROOT, 'samples', 'cloudtrail')],
      config: [join(REPO_ROOT, 'samples', 'config')],
      terraform: [synthDir],
      workers: 1,
    });
    try {
      const result = await finishReports(doc, {
        formats,
        outDir: out,
        rules: pack.rules,
        catalogues: loadCatalogues(),
        failOn: 'low',
        baseDir: repoRoot(process.cwd()),
        commandLine: ['trailproof', ...process.argv.slice(2)],
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      });
      for (const w of result.warnings) process.stderr.write(`trailproof main: ${t(w)}\n`);
      process.stdout.write(result.summary);

      // The gate: what `cdktf deploy` would ship must pass every posture rule.
      const gate: Finding[] = [];
      for (const f of result.doc.findings) {
        if (f.status === 'fail' && f.subject.kind !== 'event' && f.subject.source.path.startsWith(synthDir)) gate.push(f);
      }
      process.stdout.write(
        gate.length === 0
          ? 'gate: the synthesized stacks pass every posture rule\n'
          : `gate: FAIL: ${gate.length} failing finding(s) on the synthesized stacks\n${gate.map((f) => `  ${t(f.ruleId)}: ${t(f.message)}`).join('\n')}\n`,
      );
      if (!result.doc.inputs.some((i) => i.status === 'processed')) return EXIT.USAGE;
      return gate.length === 0 ? EXIT.OK : EXIT.FINDINGS;
    } finally {
      doc.findings.close();
    }
  },
};
