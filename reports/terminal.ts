import type { FrameworkCoverage } from '../src/findings/coverage';
import type { FindingsView } from '../src/model/finding';
import { sanitizeForTerminal as t } from '../src/util/terminal';
import { countFinding, emptyCounts, type FindingCounts } from './tally';
import { type ReportContext, SEVERITIES, type Verdict, countBy, verdictOf } from './view';

export interface TerminalOptions {
  /** ANSI colour; only when the caller knows stdout is a TTY that wants it. */
  color?: boolean;
  /** Rules listed by failing count (default 10). */
  topRules?: number;
  /** The findings already counted (ReportTally); else they are counted here. */
  counts?: FindingCounts;
  /** The verdict already reached; else it is reached here. */
  verdict?: Verdict;
}

const COLORS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/**
 * The compact summary printed after a scan. Every value that came from input passes through
 * sanitizeForTerminal, so an event field cannot move the cursor, recolour or retitle the terminal.
 */
export function renderTerminalSummary(
  doc: FindingsView,
  ctx: ReportContext,
  coverage: FrameworkCoverage[],
  files: string[] = [],
  opts: TerminalOptions = {},
): string {
  const paint = (c: keyof typeof COLORS, s: string) => (opts.color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const out: string[] = [];
  const byStatus = countBy(doc.inputs, (i) => i.status);
  out.push(
    `inputs: ${doc.inputs.length} (${byStatus.get('processed') ?? 0} processed, ${byStatus.get('skipped') ?? 0} skipped, ${byStatus.get('error') ?? 0} error)` +
      `  events: ${doc.summary.events}  rules: ${doc.rulePack.rules}`,
  );
  for (const i of doc.inputs) if (i.status !== 'processed') out.push(paint('yellow', `  ${i.status}: ${t(i.path)}: ${t(i.reason ?? '')}`));
  // Counts only: the findings themselves may be far too many to hold.
  let counts = opts.counts;
  if (!counts) {
    counts = emptyCounts();
    for (const f of doc.findings) countFinding(counts, f);
  }
  const { failing, muted, undecided, bySeverity, byRule } = counts;
  const sev = SEVERITIES.map((s) => [s, bySeverity.get(s) ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  out.push(`findings: ${failing} failing${sev ? ` (${sev})` : ''}${muted ? `, ${muted} muted` : ''}${undecided ? `, ${undecided} need manual review` : ''}`);
  const perRule = [...byRule.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = opts.topRules ?? 10;
  for (const [rule, n] of perRule.slice(0, top)) out.push(`  ${String(n).padStart(5)}  ${t(rule)}`);
  if (perRule.length > top) out.push(paint('dim', `  ... ${perRule.length - top} more rule(s)`));
  if (doc.baseline) {
    const stale = doc.baseline.notRejudged ?? 0;
    out.push(`baseline: ${doc.baseline.new} new, ${doc.baseline.unchanged} unchanged, ${doc.baseline.fixed} fixed${stale ? `, ${stale} not re-judged (input not scanned this time)` : ''}`);
  }
  if (doc.suppressions?.expired.length) out.push(paint('yellow', `suppressions: ${doc.suppressions.expired.length} expired (no longer applied)`));
  for (const c of coverage) {
    out.push(
      `controls ${t(`${c.framework}@${c.version}`)}: ${c.counts.fail} fail, ${c.counts.pass} pass, ${c.counts.manual} manual, ${c.counts['not-covered']} not covered`,
    );
  }
  const active = coverage.reduce((n, c) => n + c.controls.filter((r) => r.alarm && r.activity > 0).length, 0);
  if (active > 0) out.push(`  ${active} alarm control(s) had matching events: activity shown as evidence, not failures (their status is the monitoring-chain check's)`);
  const v = opts.verdict ?? verdictOf(doc, ctx);
  out.push(paint('bold', paint(v.noInput ? 'yellow' : v.failed ? 'red' : 'green', `verdict: ${v.text}`)));
  for (const f of files) out.push(`wrote ${t(f)}`);
  return `${out.join('\n')}\n`;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/**
 * One redrawn status line for long scans, only on a TTY (a log file or CI gets nothing). The line
 * is cut to the terminal width so it never wraps, which would break the redraw.
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;
  constructor(
    private readonly stream: ProgressStream,
    private readonly minIntervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: { events: number; findings: number; path: string; done?: number; total?: number }): void {
    if (!this.enabled) return;
    const now = this.now();
    if (this.drawn && now - this.last < this.minIntervalMs) return;
    this.last = now;
    const width = Math.max(20, this.stream.columns ?? 80);
    let bar = '';
    if (p.total && p.total > 0) {
      const cells = 20;
      const filled = Math.round((Math.min(p.done ?? 0, p.total) / p.total) * cells);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] ${p.done ?? 0}/${p.total} `;
    }
    const head = `${bar}${p.events} events, ${p.findings} findings  `;
    // Keep the end of the path: the file name says more than the directories above it.
    const path = [...t(p.path)];
    const room = width - 1 - head.length;
    const tail = path.length <= room ? path.join('') : room > 1 ? `…${path.slice(path.length - room + 1).join('')}` : '';
    this.stream.write(`\r\u001b[2K${[...`${head}${tail}`].slice(0, width - 1).join('')}`);
    this.drawn = true;
  }

  /** Clear the line before the summary is printed. */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}
