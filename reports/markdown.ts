import { COVERAGE_NOTES } from '../src/findings/coverage';
import { verdictOf } from '../src/findings/verdict';
import type { FrameworkCoverage } from '../src/model/coverage';
import type { Finding, FindingsView } from '../src/model/finding';
import type { ReportContext, ReportWriter, WriterContext } from '../src/model/report-writer';
import type { Verdict } from '../src/model/verdict';
import { mdCode, mdText } from './escape';
import { compareFindings, SEVERITIES, locationLabel, pathInside, subjectLabel } from './view';

/** GitHub rejects comments over 65,536 characters; stay under with room to spare. */
export const MARKDOWN_LIMIT = 65_000;
/** Rows shown per group before the rest is left to findings.json. */
const ROWS_PER_GROUP = 50;
/** Muted findings listed before the rest is left to findings.json. */
const MUTED_ROWS = 200;
/** Hidden marker so a CI job can find and update its own comment. */
export const COMMENT_MARKER = '<!-- trailproof-report -->';

/**
 * Appends blocks while they fit. Each block is all-or-nothing, so a cut never leaves an open
 * table, code span or <details>.
 */
class Budget {
  private parts: string[] = [];
  private used = 0;
  cut = { findings: 0, blocks: 0 };
  constructor(private readonly limit: number) {}
  fits(s: string, reserve = 0): boolean {
    return this.used + s.length + reserve <= this.limit;
  }
  add(s: string, reserve = 0): boolean {
    if (!this.fits(s, reserve)) return false;
    this.parts.push(s);
    this.used += s.length;
    return true;
  }
  get text(): string {
    return this.parts.join('');
  }
}

function subjectCell(f: Finding): string {
  const s = f.subject;
  switch (s.kind) {
    case 'event':
      return [mdCode(s.eventName ?? 'event'), 'by', mdCode(s.principal ?? 'unknown'), s.sourceIp ? `from ${mdCode(s.sourceIp)}` : '', s.eventTime ? `at ${mdCode(s.eventTime)}` : '']
        .filter(Boolean)
        .join(' ');
    case 'resource':
      return [mdCode(s.address ?? s.arn ?? `${s.resourceType} ${s.resourceId}`), s.constructPath ? `(construct ${mdCode(s.constructPath)})` : ''].filter(Boolean).join(' ');
    default:
      return mdCode(subjectLabel(s));
  }
}

function stateCell(f: Finding): string {
  const parts: string[] = [];
  if (f.baseline) parts.push(f.baseline === 'new' ? '**new**' : 'unchanged');
  if (f.status === 'muted' && f.suppression) parts.push(`muted: ${mdText(f.suppression.reason)} (${mdText(f.suppression.owner ?? '')}, until ${mdText(f.suppression.expires ?? '')})`);
  else if (f.suppression?.expired) parts.push(`waiver expired ${mdText(f.suppression.expires ?? '')}`);
  return parts.join('; ') || ' ';
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** A repository path as a link target: every segment percent-encoded, parentheses and quotes too (they would end a Markdown link). */
function urlPath(rel: string): string {
  return rel
    .split(/[\\/]/)
    .map((seg) => encodeURIComponent(seg).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * Where the subject is, relative to the repository (ctx.baseDir) and, with ctx.linkBase (the
 * blob URL of the commit, e.g. from GitHub Actions), linked to the file and line.
 */
function whereCell(f: Finding, ctx: ReportContext): string {
  const src = f.subject.source;
  const inRepo = ctx.baseDir ? pathInside(src.path, ctx.baseDir) : undefined;
  const path = inRepo ?? src.path;
  const label = mdCode(locationLabel({ ...src, path }));
  if (inRepo === undefined || !ctx.linkBase || !/^https:\/\/[^\s()<>]+\/$/.test(ctx.linkBase)) return label;
  return `[${label}](${ctx.linkBase}${urlPath(path)}${src.line !== undefined ? `#L${src.line}` : ''})`;
}

/** Subject, where (linked), what is wrong (the finding's message), the evidence that decided it, state. */
function findingRow(f: Finding, ctx: ReportContext): string {
  const evidence = Object.keys(f.evidence).length > 0 ? mdCode(clip(JSON.stringify(f.evidence), 160)) : ' ';
  return `| ${subjectCell(f)} | ${whereCell(f, ctx)} | ${mdText(clip(f.message, 240))} | ${evidence} | ${stateCell(f)} |\n`;
}

function coverageSummary(cov: FrameworkCoverage[]): string {
  let s = '| Framework | Controls | Fail | Pass | Manual | Not covered |\n|---|---:|---:|---:|---:|---:|\n';
  for (const c of cov) {
    s += `| ${mdCode(`${c.framework}@${c.version}`)}${c.catalogued ? '' : ' (no catalogue)'} | ${c.controls.length} | ${c.counts.fail} | ${c.counts.pass} | ${c.counts.manual} | ${c.counts['not-covered']} |\n`;
  }
  return `${s}\n`;
}

/**
 * The failing controls of every framework version in one table: a control that fails the same way
 * in several versions (CIS renumbers 4.x as 5.x from v6) is one row with a version column. Only
 * failing controls are listed in the comment; the full matrix is in report.html and report.csv.
 */
function failingControlsTable(cov: FrameworkCoverage[]): string {
  const rows = new Map<string, { framework: string; title: string; failing: number; muted: number; rules: string[]; versions: string[] }>();
  let total = 0;
  for (const c of cov) {
    for (const r of c.controls) {
      if (r.status !== 'fail') continue;
      total++;
      const key = [c.framework, r.title ?? r.id, r.failing, r.muted, r.rules.join(',')].join('\u0000');
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { framework: c.framework, title: r.title ?? '', failing: r.failing, muted: r.muted, rules: r.rules, versions: [] }));
      row.versions.push(`${c.version} ${r.id}`);
    }
  }
  if (total === 0) return '';
  let s = `<details><summary>${total} failing control(s) across ${cov.filter((c) => c.counts.fail > 0).length} framework version(s)</summary>\n\n`;
  s += '| Framework | Version: control | Title | Failing | Muted | Rules |\n|---|---|---|---:|---:|---|\n';
  for (const r of rows.values()) {
    s += `| ${mdCode(r.framework)} | ${r.versions.map((v) => mdCode(v)).join(', ')} | ${mdText(r.title)} | ${r.failing} | ${r.muted} | ${r.rules.map((x) => mdCode(x)).join(' ')} |\n`;
  }
  const others = cov.reduce((n, c) => n + c.controls.length, 0) - total;
  return `${s}\n_${others} other control(s) (pass, manual, not covered) are listed in report.html and report.csv._\n\n</details>\n\n`;
}

/** The first `n` findings in report order among all those added, holding at most 2n at a time. */
class FirstInOrder {
  private items: Finding[] = [];
  count = 0;
  constructor(private readonly n: number) {}
  add(f: Finding): void {
    this.count++;
    this.items.push(f);
    if (this.items.length >= 2 * this.n) this.trim();
  }
  list(): Finding[] {
    this.trim();
    return this.items;
  }
  private trim(): void {
    this.items.sort(compareFindings);
    this.items.length = Math.min(this.items.length, this.n);
  }
}

interface Group {
  severity: string;
  controls: string[];
  title: string;
  /** All findings of the group. */
  count: number;
  /** The first ROWS_PER_GROUP of them in report order: all a comment can show. */
  findings: Finding[];
}

/**
 * Failing findings by severity, then by the controls they fail (one rule's findings share both).
 * Groups are counted and keep only the rows a comment can show, so memory does not follow the
 * number of findings. They come in the order of their first finding, as if every finding were
 * sorted and grouped.
 */
class Groups {
  private readonly map = new Map<string, { severity: string; controls: string[]; rows: FirstInOrder }>();
  add(f: Finding): void {
    const key = `${f.severity}\0${f.controls.join(',')}\0${f.ruleId}`;
    let g = this.map.get(key);
    if (!g) this.map.set(key, (g = { severity: f.severity, controls: f.controls, rows: new FirstInOrder(ROWS_PER_GROUP) }));
    g.rows.add(f);
  }
  get size(): number {
    let n = 0;
    for (const g of this.map.values()) n += g.rows.count;
    return n;
  }
  list(): Group[] {
    return [...this.map.values()]
      .map((g) => {
        const findings = g.rows.list();
        return { severity: g.severity, controls: g.controls, title: findings[0].title, count: g.rows.count, findings };
      })
      .sort((a, b) => compareFindings(a.findings[0], b.findings[0]));
  }
}

const TABLE_HEAD = '| Subject | Where | What is wrong | Evidence | State |\n|---|---|---|---|---|\n';

function addGroup(b: Budget, g: Group, reserve: number, ctx: ReportContext): void {
  const controls = g.controls.length > 0 ? g.controls.map((c) => mdCode(c)).join(' ') : '_no control mapped_';
  const fix = g.findings[0].remediation ? `**Fix:** ${mdText(clip(g.findings[0].remediation, 600))}\n\n` : '';
  const head = `#### ${mdText(g.severity)} · ${mdText(g.title)} (${g.count})\n\n${controls}\n\n${fix}`;
  const collapse = g.count > 5;
  const open = collapse ? `<details><summary>${g.count} findings</summary>\n\n${TABLE_HEAD}` : TABLE_HEAD;
  const close = collapse ? '\n</details>\n\n' : '\n';
  // A heading without a single row says nothing: the group goes in with its first row or not at all.
  if (!b.add(head + open + findingRow(g.findings[0], ctx), close.length + reserve)) {
    b.cut.findings += g.count;
    b.cut.blocks++;
    return;
  }
  let shown = 1;
  for (const f of g.findings.slice(1, ROWS_PER_GROUP)) {
    if (!b.add(findingRow(f, ctx), close.length + reserve)) break;
    shown++;
  }
  const more = g.count - shown;
  if (more > 0) {
    const byLimit = g.count - Math.min(g.count, ROWS_PER_GROUP);
    const note = `\n_${more} more not shown here; every finding is in findings.json and report.html._\n`;
    b.add(note, close.length + reserve);
    if (shown < Math.min(g.count, ROWS_PER_GROUP)) b.cut.findings += more - byLimit;
  }
  b.add(close);
}

const LOST_ROWS = 30;

/** The reviewer's next step, in one line of the first screen. */
function todoLine(v: Verdict, doc: FindingsView, fresh: number, failing: number): string {
  if (v.noInput) return `**What to do:** the scan read nothing from ${v.unread.map((u) => mdCode(u.flag)).join(', ')}: check the path or the step that should produce it (the inputs are listed below); nothing there was judged.\n\n`;
  if (!v.failed) return v.blocking === 0 && failing > 0 ? `**What to do:** nothing blocks; ${failing} failing finding(s) below --fail-on ${v.failOn} are listed for review.\n\n` : '**What to do:** nothing; no failing finding blocks.\n\n';
  const where = doc.baseline && v.newOnly ? `the ${fresh} new failing finding(s) under "New since the baseline"` : `the ${v.blocking} failing finding(s) at or above ${v.failOn} below`;
  return `**What to do:** fix ${where} (each row says what is wrong, with its evidence, under the rule's fix), or waive one in a suppressions file with a reason, owner and expiry.\n\n`;
}

/**
 * What fails the gate besides findings at --fail-on, in the first screen: controls that lost
 * coverage (no finding fails for a deleted rule) and how many alarm chains broke.
 */
function gateLines(v: Verdict, ctx: ReportContext): string {
  let s = '';
  if (v.brokenChains > 0) s += `**Broken alarm chains:** ${v.brokenChains} ${v.newOnly ? 'new ' : ''}failing monitoring chain(s) (trail, metric filter, alarm, subscribed topic) block the gate whatever their severity (listed below; \`--allow-broken-chains\` to judge them by --fail-on only).\n\n`;
  const lost = ctx.coverageLost ?? [];
  if (lost.length > 0) {
    s += `**Coverage lost:** ${lost.length} control(s) were judged in the baseline run and are judged by no rule now${ctx.allowCoverageLoss ? ' (allowed by --allow-coverage-loss)' : ''}:\n\n| Control | Title | Before | Now (no rule judges it) | Judged before by |\n|---|---|---|---|---|\n`;
    for (const l of lost.slice(0, LOST_ROWS)) s += `| ${mdCode(l.ref)} | ${mdText(l.title ?? '')} | ${l.before} | ${l.after} | ${l.rules.map(mdCode).join(', ')} |\n`;
    if (lost.length > LOST_ROWS) s += `\n_${lost.length - LOST_ROWS} more: see the control tables below._\n`;
    s += '\n';
  }
  return s;
}

/**
 * The pull-request comment: verdict, control coverage per framework version, failing findings by
 * severity and control, what changed against a baseline, muted findings, problems with inputs.
 * Never longer than `limit`; when something is cut, the comment says what.
 */
export function renderMarkdown(doc: FindingsView, ctx: WriterContext, limit = MARKDOWN_LIMIT): string {
  const NOTE_RESERVE = 400;
  const b = new Budget(limit);
  const coverage = ctx.coverage;
  const v = verdictOf(doc, ctx, ctx.tally);
  const { failing, undecided, bySeverity: failingBySeverity } = ctx.tally.counts;
  // One pass for the rows the comment can show (the counts are the tally's).
  const fresh = new Groups();
  const rest = new Groups();
  const muted = new FirstInOrder(MUTED_ROWS);
  for (const f of doc.findings) {
    if (f.status === 'fail') (doc.baseline && f.baseline === 'new' ? fresh : rest).add(f);
    else if (f.status === 'muted') muted.add(f);
  }

  let head = `${COMMENT_MARKER}\n## trailproof: ${v.noInput ? '⚠️' : v.failed ? '❌' : '✅'} ${v.text}\n\n`;
  const bySev = SEVERITIES.map((s) => [s, failingBySeverity.get(s) ?? 0] as const).filter(([, n]) => n > 0);
  head += `**${failing}** failing finding(s)${bySev.length ? ` (${bySev.map(([s, n]) => `${s} ${n}`).join(', ')})` : ''}, ${muted.count} muted${undecided ? `, ${undecided} need manual review` : ''}, over ${doc.summary.events} event(s) from ${doc.inputs.length} input(s).`;
  head += ` trailproof ${mdText(doc.tool.version)}, rule pack ${mdCode(doc.rulePack.sha256.slice(0, 12))} (${doc.rulePack.rules} rules).\n\n`;
  if (doc.baseline) {
    const stale = doc.baseline.notRejudged ?? 0;
    head += `**Against the baseline:** ${doc.baseline.new} new, ${doc.baseline.unchanged} unchanged, ${doc.baseline.fixed} fixed${stale ? `, ${stale} not re-judged (their input was not scanned this time: neither fixed nor failing)` : ''}.\n\n`;
  }
  head += todoLine(v, doc, fresh.size, failing);
  head += gateLines(v, ctx);
  const problems = doc.inputs.filter((i) => i.status !== 'processed');
  if (problems.length > 0) head += `⚠️ ${problems.length} input(s) were not fully read (listed below).\n\n`;
  if (doc.suppressions && doc.suppressions.expired.length > 0) head += `⚠️ ${doc.suppressions.expired.length} suppression(s) have expired and no longer apply (listed below).\n\n`;
  b.add(head);

  if (coverage.length > 0) {
    b.add(`### Controls\n\n${coverageSummary(coverage)}`, NOTE_RESERVE);
    const t = failingControlsTable(coverage);
    if (t && !b.add(t, NOTE_RESERVE)) b.cut.blocks++;
    const active = coverage.flatMap((c) => c.controls.filter((r) => r.alarm && r.activity > 0).map((r) => `${c.framework}@${c.version}:${r.id}`));
    if (active.length > 0) {
      b.add(
        `ℹ️ ${active.length} alarm control(s) had matching events (activity, e.g. ${mdCode(active[0])}): their status comes from the monitoring-chain check, the events are evidence of what the alarm fires on, not failures of the control.\n\n`,
        NOTE_RESERVE,
      );
    }
    b.add(`<details><summary>How to read the control status</summary>\n\n${COVERAGE_NOTES.map((n) => `- ${mdText(n)}`).join('\n')}\n\n</details>\n\n`, NOTE_RESERVE);
  }

  // Short and important: before the long finding lists, so a cut never hides them.
  if (doc.suppressions && doc.suppressions.expired.length > 0) {
    let s = '### Expired suppressions\n\n| Where | Owner | Expired | Reason | Findings it would match |\n|---|---|---|---|---:|\n';
    for (const e of doc.suppressions.expired) s += `| ${mdCode(e.source)} | ${mdText(e.owner)} | ${mdText(e.expires)} | ${mdText(e.reason)} | ${e.matched} |\n`;
    if (!b.add(`${s}\n`, NOTE_RESERVE)) b.cut.blocks++;
  }

  if (problems.length > 0) {
    let s = '### Inputs not fully read\n\n| Input | Status | Reason |\n|---|---|---|\n';
    for (const i of problems.slice(0, 100)) s += `| ${mdCode(i.path)} | ${i.status} | ${mdText(i.reason ?? '')} |\n`;
    if (problems.length > 100) s += `\n_${problems.length - 100} more in findings.json._\n`;
    if (!b.add(`${s}\n`, NOTE_RESERVE)) b.cut.blocks++;
  }

  if (doc.baseline) {
    if (fresh.size > 0) {
      b.add(`### New since the baseline (${fresh.size})\n\n`, NOTE_RESERVE);
      for (const g of fresh.list()) addGroup(b, g, NOTE_RESERVE, ctx);
    }
    const fixed = doc.fixed ?? [];
    if (fixed.length > 0 && b.add(`<details><summary>Fixed since the baseline (${fixed.length})</summary>\n\n| Rule | Subject |\n|---|---|\n`, NOTE_RESERVE + 20)) {
      let shown = 0;
      for (const x of fixed.slice(0, 200)) {
        if (!b.add(`| ${mdCode(x.ruleId)} | ${mdCode(subjectLabel(x.subject))} |\n`, NOTE_RESERVE + 20)) break;
        shown++;
      }
      if (shown < fixed.length) b.add(`\n_${fixed.length - shown} more in findings.json._\n`, NOTE_RESERVE);
      b.add('\n</details>\n\n');
    }
  }

  if (rest.size > 0) {
    b.add(`### ${doc.baseline ? `Unchanged failing findings (${rest.size})` : `Failing findings (${rest.size})`}\n\n`, NOTE_RESERVE);
    for (const g of rest.list()) addGroup(b, g, NOTE_RESERVE, ctx);
  }

  if (muted.count > 0 && b.add(`<details><summary>Muted by suppressions (${muted.count})</summary>\n\n| Rule | Subject | Reason | Owner | Expires |\n|---|---|---|---|---|\n`, NOTE_RESERVE + 20)) {
    let shown = 0;
    for (const f of muted.list()) {
      const s = f.suppression;
      if (!b.add(`| ${mdCode(f.ruleId)} | ${subjectCell(f)} | ${mdText(s?.reason ?? '')} | ${mdText(s?.owner ?? '')} | ${mdText(s?.expires ?? '')} |\n`, NOTE_RESERVE + 20)) break;
      shown++;
    }
    if (shown < muted.count) b.add(`\n_${muted.count - shown} more in findings.json._\n`, NOTE_RESERVE);
    b.add('\n</details>\n\n');
  }

  if (b.cut.findings > 0 || b.cut.blocks > 0) {
    b.add(
      `---\n✂️ _Cut to stay under ${limit.toLocaleString('en-US')} characters: ${b.cut.findings} finding row(s) and ${b.cut.blocks} section(s) not shown. ` +
        'Everything is in findings.json, report.html and report.sarif._\n',
    );
  }
  return b.text;
}

/** The report, as reports/registry.ts registers it (format md, report.md). */
export const write: ReportWriter['write'] = (doc, ctx, out) => out.write(renderMarkdown(doc, ctx));
