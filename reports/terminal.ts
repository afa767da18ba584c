import { verdictOf } from '../src/findings/verdict';
import type { FindingsView } from '../src/model/finding';
import type { DocumentWriter, WriterContext } from '../src/model/report-writer';
import { sanitizeForTerminal as t } from '../src/util/terminal';
import type { InputRecord } from '../src/model/input';
import { listedFailing } from './tally';
import { SEVERITIES, countBy, locationLabel, subjectLabel } from './view';

/** A reason as one statement: the same failure repeated per retry or page is said once. */
function oneReason(reason: string): string {
  return [...new Set(reason.split('; '))].join('; ');
}

/**
 * Inputs not fully read, one line per distinct reason: nine API calls refused for want of
 * credentials are one line naming the first and how many more, not nine.
 */
function problemLines(inputs: readonly InputRecord[]): string[] {
  const byReason = new Map<string, InputRecord[]>();
  for (const i of inputs) {
    if (i.status === 'processed') continue;
    const key = `${i.status}: ${oneReason(i.reason ?? '')}`;
    const list = byReason.get(key) ?? byReason.set(key, []).get(key)!;
    list.push(i);
  }
  const out: string[] = [];
  for (const [key, list] of byReason) {
    const [status, ...reason] = key.split(': ');
    const what = list.length === 1 ? t(list[0].path) : `${list.length} inputs (${t(list[0].path)} and ${list.length - 1} more)`;
    out.push(`  ${status}: ${what}: ${t(reason.join(': '))}`);
  }
  if ([...byReason.keys()].some((k) => /CredentialsProviderError|Could not load credentials/.test(k))) {
    out.push('  no AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or run where a role is attached), then run again');
  }
  return out;
}

/** What the summary needs besides what every writer gets: the files written, and how to print. */
export interface SummaryContext extends WriterContext {
  files: string[];
  /** ANSI colour; only when the caller knows stdout is a TTY that wants it. */
  color?: boolean;
  /** Rules listed by failing count (default 10). */
  topRules?: number;
}

const COLORS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/**
 * The compact summary printed after a scan. Every value that came from input passes through
 * sanitizeForTerminal, so an event field cannot move the cursor, recolour or retitle the terminal.
 */
export function renderTerminalSummary(doc: FindingsView, ctx: SummaryContext): string {
  const { coverage, files } = ctx;
  const paint = (c: keyof typeof COLORS, s: string) => (ctx.color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const out: string[] = [];
  const byStatus = countBy(doc.inputs, (i) => i.status);
  out.push(
    `inputs: ${doc.inputs.length} (${byStatus.get('processed') ?? 0} processed, ${byStatus.get('skipped') ?? 0} skipped, ${byStatus.get('error') ?? 0} error)` +
      `  events: ${doc.summary.events}  rules: ${doc.rulePack.rules}`,
  );
  for (const line of problemLines(doc.inputs)) out.push(paint('yellow', line));
  // Counts only (the tally's): the findings themselves may be far too many to hold.
  const counts = ctx.tally.counts;
  const { failing, muted, undecided, bySeverity, byRule } = counts;
  const sev = SEVERITIES.map((s) => [s, bySeverity.get(s) ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  out.push(`findings: ${failing} failing${sev ? ` (${sev})` : ''}${muted ? `, ${muted} muted` : ''}${undecided ? `, ${undecided} need manual review` : ''}`);
  const perRule = [...byRule.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ctx.topRules ?? 10;
  for (const [rule, n] of perRule.slice(0, top)) out.push(`  ${String(n).padStart(5)}  ${t(rule)}`);
  if (perRule.length > top) out.push(paint('dim', `  ... ${perRule.length - top} more rule(s)`));
  // Where to look, as a checker's CLI lists it: each failing finding's place, the worst first.
  const listed = listedFailing(counts);
  if (listed.length > 0) {
    out.push('failing:');
    for (const f of listed) out.push(`  ${f.severity.padEnd(8)} ${t(f.ruleId)}  ${t(subjectLabel(f.subject))}  at ${t(locationLabel(f.subject.source))}`);
    if (failing > listed.length) out.push(paint('dim', `  ... ${failing - listed.length} more failing finding(s): every one is in findings.json`));
  }
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
  const v = verdictOf(doc, ctx, ctx.tally);
  out.push(paint('bold', paint(v.noInput ? 'yellow' : v.failed ? 'red' : 'green', `verdict: ${v.text}`)));
  for (const f of files) out.push(`wrote ${t(f)}`);
  return `${out.join('\n')}\n`;
}

const terminalSummary: DocumentWriter<SummaryContext> = {
  describe: 'the compact summary printed after a scan',
  write: (doc, ctx, out) => out.write(renderTerminalSummary(doc, ctx)),
};

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

  /** One status line in place of the counts (the report phase: which file is being written). */
  status(text: string): void {
    if (!this.enabled) return;
    const width = Math.max(20, this.stream.columns ?? 80);
    this.stream.write(`\r\u001b[2K${[...t(text)].slice(0, width - 1).join('')}`);
    this.drawn = true;
  }

  /** Clear the line before the summary is printed. */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}
