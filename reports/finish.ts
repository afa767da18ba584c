import { applyBaseline, loadBaseline } from '../src/findings/baseline';
import { computeCoverage } from '../src/findings/coverage';
import { baselineRules, coverageLost } from '../src/findings/coverage-change';
import {
  applySuppressions,
  constructSuppressionsFromInputs,
  formatSuppressionProblem,
  loadSuppressions,
  type Suppression,
} from '../src/findings/suppress';
import { verdictOf } from '../src/findings/verdict';
import type { CoverageLoss, FrameworkCoverage } from '../src/model/coverage';
import type { FindingsView } from '../src/model/finding';
import type { ReportContext } from '../src/model/report-writer';
import type { Verdict } from '../src/model/verdict';
import { renderTerminalSummary } from './terminal';
import { tallyFor, writeReports } from './write';

export interface FinishOptions extends ReportContext {
  /** Format names of the report registry (reports/registry.ts), as parseFormats gives them. */
  formats: readonly string[];
  outDir: string;
  /** --baseline: a previous findings.json. */
  baseline?: string;
  /** --suppressions: YAML/JSON files. */
  suppressions?: string[];
  /** Waivers in cdk.tf.json `//` metadata of the Terraform inputs (default true). */
  constructWaivers?: boolean;
  /** Clock for expiry; tests pass a fixed date. */
  now?: Date;
  /** Terminal colour for the summary. */
  color?: boolean;
}

export interface FinishResult {
  doc: FindingsView;
  files: string[];
  verdict: Verdict;
  /** The compact terminal summary, already sanitised; print it unless --quiet. */
  summary: string;
  /** Suppression entries that were invalid and left out, one line each (print to stderr). */
  warnings: string[];
}

/**
 * Everything after the scan, in one place for every command: suppressions (files and construct
 * waivers), then the baseline, then every report, the verdict and the terminal summary. Throws
 * BaselineError or SuppressionFileError (usage errors for the caller) before writing anything.
 */
export async function finishReports(scanned: FindingsView, opts: FinishOptions): Promise<FinishResult> {
  const warnings: string[] = [];
  const waivers: Suppression[] = [];
  for (const path of opts.suppressions ?? []) {
    const loaded = loadSuppressions(path);
    waivers.push(...loaded.suppressions);
    warnings.push(...loaded.errors.map((e) => `suppression ignored: ${formatSuppressionProblem(e)}`));
  }
  if (opts.constructWaivers !== false) {
    const loaded = constructSuppressionsFromInputs(scanned);
    waivers.push(...loaded.suppressions);
    warnings.push(...loaded.errors.map((e) => `construct waiver ignored: ${formatSuppressionProblem(e)}`));
  }
  const previous = opts.baseline ? loadBaseline(opts.baseline) : undefined;

  let doc = scanned;
  if (waivers.length > 0 || (opts.suppressions ?? []).length > 0) doc = applySuppressions(doc, waivers, opts.now ?? new Date());
  if (previous && opts.baseline) doc = applyBaseline(doc, previous, opts.baseline);

  const ctx: ReportContext = {
    rules: opts.rules,
    catalogues: opts.catalogues,
    failOn: opts.failOn,
    newOnly: opts.newOnly,
    baseDir: opts.baseDir,
    memoryLimit: opts.memoryLimit,
    requested: opts.requested,
    allowCoverageLoss: opts.allowCoverageLoss,
    allowBrokenChains: opts.allowBrokenChains,
    commandLine: opts.commandLine,
    linkBase: opts.linkBase,
    onReport: opts.onReport,
  };
  // One pass over the findings (findings.json's) tallies what the other reports, the verdict and
  // the summary count; each pass over a spilled scan reads and decodes every finding again.
  const tally = tallyFor(doc, ctx);
  let coverage: FrameworkCoverage[] | undefined;
  const coverageOf = () => (coverage ??= computeCoverage(doc, opts.rules, opts.catalogues, tally.fill(doc.findings).coverage));
  if (previous) {
    // The baseline judged with the same catalogues and with this run's rules plus any its index lists
    // that are gone now (deleted rules): what its findings and rules say differs.
    // Worked out when a report or the verdict first asks, so it rides on their pass.
    let lost: CoverageLoss[] | undefined;
    Object.defineProperty(ctx, 'coverageLost', {
      enumerable: true,
      get: () => (lost ??= coverageLost(computeCoverage(previous, baselineRules(opts.rules, previous.rulePack.index), opts.catalogues), coverageOf())),
    });
  }
  const files = await writeReports(doc, opts.formats, opts.outDir, ctx, coverageOf, tally);
  tally.fill(doc.findings);
  return {
    doc,
    files,
    verdict: verdictOf(doc, ctx, tally),
    summary: renderTerminalSummary(doc, { ...ctx, coverage: coverageOf(), tally, files, color: opts.color }),
    warnings,
  };
}
