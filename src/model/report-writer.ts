import type { ControlCatalogue } from './control';
import type { CoverageLoss, FrameworkCoverage } from './coverage';
import type { Finding, FindingsView } from './finding';
import type { Rule } from './rule';
import type { FailOn } from './severity';
import type { InputGroup } from './verdict';

/** Where a report's text goes, piece by piece: a report of a large scan never exists as one string. */
export interface TextSink {
  write(s: string): void;
}

/** The options of the run every report may need besides the findings document. */
export interface ReportContext {
  rules: Rule[];
  catalogues: ControlCatalogue[];
  /** Verdict threshold, as given to --fail-on (default `low`). */
  failOn?: FailOn;
  /** Judge only findings a baseline does not know (--fail-on applied to new findings). */
  newOnly?: boolean;
  /** Paths in SARIF and Markdown are made relative to this directory (SARIF default: the working directory). */
  baseDir?: string;
  /** Controls judged in the baseline run and by no rule now (set when a baseline was given). */
  coverageLost?: CoverageLoss[];
  /** --allow-coverage-loss: coverage lost does not fail the verdict (it is still reported). */
  allowCoverageLoss?: boolean;
  /** --allow-broken-chains: a failing monitoring chain blocks only at --fail-on like any finding. */
  allowBrokenChains?: boolean;
  /** Findings a report holds in memory while sorting before it spills to disk (default: 2,000 and at most 1 MiB of their JSON). */
  memoryLimit?: number;
  /** Blob URL of the scanned commit (`https://github.com/o/r/blob/<sha>/`): report.md links paths inside baseDir to it. */
  linkBase?: string;
  /** Called as each report file is begun (progress). */
  onReport?: (file: string, index: number, total: number) => void;
  /** The command as run, for provenance (report.html). */
  commandLine?: string[];
  /** The kinds of input the command was asked to read; one that gave nothing makes the verdict NO INPUT. */
  requested?: InputGroup[];
}

/** The counts the summaries show (findings by status, failing ones by severity and rule). */
export interface FindingCounts {
  failing: number;
  muted: number;
  undecided: number;
  bySeverity: Map<string, number>;
  byRule: Map<string, number>;
  /** The first failing findings in report order (reports/tally.ts bounds how many are held while counting). */
  firstFailing: Finding[];
}

/** What one pass over the findings counted for every report (reports/tally.ts), under the run's failOn, newOnly and chains. */
export interface FindingsTally {
  /** Findings that block the verdict. */
  blocking: number;
  /** Among them, the failing monitoring chains (they block at any severity). */
  brokenChains: number;
  counts: FindingCounts;
}

/**
 * What a writer gets besides the document: the run's options, the control coverage, and the
 * tally of the findings, complete (a writer never counts the findings again for the verdict).
 */
export interface WriterContext extends ReportContext {
  coverage: FrameworkCoverage[];
  tally: FindingsTally;
}

/** Anything that turns a findings document into text: every report file, and the terminal summary. */
export interface DocumentWriter<C extends WriterContext = WriterContext> {
  /** One line for --help: what the output is for. */
  describe: string;
  write(doc: FindingsView, ctx: C, out: TextSink): void;
}

/**
 * One report format, as --format names it. A built-in format is one module exporting its `write`
 * and one line in the registry (reports/registry.ts), which names the format, its file and what
 * it is for, and loads the module when a report of it is written; parsing --format, `all` and
 * every command's help come from the registry.
 */
export interface ReportWriter extends DocumentWriter {
  /** The name --format takes. */
  format: string;
  /** The file it writes inside --out. */
  file: string;
}
