import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Command, EXIT } from '../command';
import { loadRulePack } from '../../rules/load';
import { runScan, writeFindingsJson } from '../../scan/run-scan';
import { blockingFindings } from '../../scan/verdict';
import { printRuleErrors, printScanSummary } from '../output';
import { REPO_ROOT } from '../../version';

const USAGE = `Usage: trailproof main [--out DIR]

The main job on the bundled sample data (what \`npm start\` runs): scans the sample CloudTrail
logs in samples/ with the full rule pack and writes the reports to out/.
Exits 0 when the job ran, whatever it found (the samples are attack recordings, so findings are
expected); 2 if the rule pack or the samples could not be read.`;

export const command: Command = {
  name: 'main',
  summary: 'the main job on the bundled samples (npm start): scan, write reports to out/',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { out: { type: 'string', default: 'out' } } });
    const pack = loadRulePack();
    if (pack.errors.length > 0) {
      printRuleErrors(pack.errors);
      return EXIT.USAGE;
    }
    const doc = await runScan({ pack, events: [join(REPO_ROOT, 'samples', 'cloudtrail')] });
    const file = writeFindingsJson(doc, resolve(values.out));
    printScanSummary(doc, [file], blockingFindings(doc.findings, 'low').length, 'low');
    return doc.inputs.some((i) => i.status === 'processed') ? EXIT.OK : EXIT.USAGE;
  },
};
