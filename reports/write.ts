import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeCoverage } from '../src/findings/coverage';
import { gateChains, newOnlyApplies } from '../src/findings/verdict';
import type { FrameworkCoverage } from '../src/model/coverage';
import type { FindingsView } from '../src/model/finding';
import type { FindingsTally, ReportContext, ReportWriter, WriterContext } from '../src/model/report-writer';
import { withImmediateSignals } from '../src/util/spool';
import { RECORD_FORMAT, writerOf } from './registry';
import { collectText, FileSink } from './sink';
import { ReportTally } from './tally';

/** A tally of the document under the run's verdict options (failOn, newOnly, chains), not yet filled. */
export function tallyFor(doc: FindingsView, ctx: ReportContext): ReportTally {
  return new ReportTally(ctx.failOn ?? 'low', newOnlyApplies(doc, ctx), gateChains(ctx));
}

function writerFor(format: string): ReportWriter {
  const w = writerOf(format);
  if (!w) throw new Error(`no report writer for format ${JSON.stringify(format)}`);
  return w;
}

/**
 * What writers get, with the tally and coverage worked out when a writer first reads them. The
 * options are the prototype, not copied: copying would read a lazy option (finish.ts's
 * coverageLost) at once, and with it the findings, before the first writer's pass could count them.
 */
function lazyWriterContext(ctx: ReportContext, tally: () => FindingsTally, coverage: () => FrameworkCoverage[]): WriterContext {
  return Object.create(ctx, {
    tally: { get: tally, enumerable: true },
    coverage: { get: coverage, enumerable: true },
  }) as WriterContext;
}

/** A writer context for a document in memory (small documents, tests): the tally filled, coverage computed unless given. */
export function writerContext(doc: FindingsView, ctx: ReportContext, coverage?: FrameworkCoverage[]): WriterContext {
  const tally = tallyFor(doc, ctx).fill(doc.findings);
  return { ...ctx, tally, coverage: coverage ?? computeCoverage(doc, ctx.rules, ctx.catalogues, tally.coverage) };
}

/** Render one format to text (small documents, tests). */
export function renderReport(format: string, doc: FindingsView, ctx: ReportContext, coverage?: FrameworkCoverage[]): string {
  return collectText((out) => writerFor(format).write(doc, writerContext(doc, ctx, coverage), out));
}

/**
 * Write the requested reports into outDir and return the files written. findings.json is always
 * written, first, whatever was asked for: it is the record of the run and the next run's
 * --baseline, and writing it checks the document against its schema. Each report goes to a
 * `.partial` file renamed only when every report is complete, so a document that breaks the
 * contract, or any failure, leaves nothing behind.
 *
 * The first pass over the findings (findings.json's) fills the tally (a fresh one unless the
 * caller passes its own), and coverage may then be a function of it, called once that pass is
 * done: the other reports and the verdict need no pass of their own for counts (finish.ts).
 */
export async function writeReports(
  doc: FindingsView,
  formats: readonly string[],
  outDir: string,
  ctx: ReportContext,
  coverage?: FrameworkCoverage[] | (() => FrameworkCoverage[]),
  tally: ReportTally = tallyFor(doc, ctx),
): Promise<string[]> {
  const writers = [RECORD_FORMAT, ...formats.filter((f) => f !== RECORD_FORMAT)].map(writerFor);
  const first: FindingsView = { ...doc, findings: tally.tap(doc.findings) };
  let known: FrameworkCoverage[] | undefined = Array.isArray(coverage) ? coverage : undefined;
  const filled = () => tally.fill(doc.findings);
  const coverageNow = () => (known ??= typeof coverage === 'function' ? coverage() : computeCoverage(doc, ctx.rules, ctx.catalogues, filled().coverage));
  const wctx = lazyWriterContext(ctx, filled, coverageNow);
  const created = mkdirSync(outDir, { recursive: true });
  const done: [partial: string, file: string][] = [];
  const writeAll = () => {
    for (const [index, writer] of writers.entries()) {
      const file = join(outDir, writer.file);
      ctx.onReport?.(writer.file, index, writers.length);
      const sink = new FileSink(`${file}.partial`);
      done.push([sink.path, file]);
      try {
        writer.write(index === 0 ? first : doc, wctx, sink);
      } finally {
        sink.close();
      }
    }
  };
  try {
    // Ctrl-C stops the writing at once; each file is still a .partial until every one is complete.
    withImmediateSignals(writeAll);
  } catch (err) {
    for (const [partial] of done) rmSync(partial, { force: true });
    // Only directories this call made, which hold nothing else.
    if (created) rmSync(created, { recursive: true, force: true });
    throw err;
  }
  for (const [partial, file] of done) renameSync(partial, file);
  // In the order asked for, findings.json first when it was not asked for.
  return (formats.includes(RECORD_FORMAT) ? formats : [RECORD_FORMAT, ...formats]).map((f) => join(outDir, writerFor(f).file));
}
