import { createHash } from 'node:crypto';
import { COVERAGE_NOTES } from '../src/findings/coverage';
import { verdictOf } from '../src/findings/verdict';
import type { FrameworkCoverage } from '../src/model/coverage';
import type { Finding, FindingsView } from '../src/model/finding';
import type { ReportWriter, TextSink, WriterContext } from '../src/model/report-writer';
import { escapeHtml as h } from './escape';
import { eventEvidenceTable } from './event-evidence-html';
import { findingSpool, SEVERITIES, type Severity, subjectFields, subjectLabel } from './view';
import { severityRank } from '../src/model/severity';

const SEVERITY_COLOR: Record<Severity, string> = { critical: '#7f0000', high: '#c62828', medium: '#ef6c00', low: '#f9a825', info: '#1565c0' };
const STATUS_CLASS: Record<string, string> = { fail: 'st-fail', pass: 'st-pass', manual: 'st-manual', 'not-covered': 'st-nc', muted: 'st-muted' };

/** Findings shown in full per rule and section; past it the group says how many more (all are in findings.json). */
export const HTML_GROUP_ROWS = 50;
/** Findings shown in full in the whole report: a report of a large scan stays openable in seconds. */
export const HTML_DETAILS_CAP = 2_000;
/** Rows of the inputs, fixed and not re-judged tables; findings.json lists all. */
export const HTML_TABLE_ROWS = 2_000;

function moreRow(total: number, columns: number): string {
  return total > HTML_TABLE_ROWS ? `<tr><td colspan="${columns}"><i>${total - HTML_TABLE_ROWS} more in findings.json</i></td></tr>` : '';
}

/**
 * The one script: filter findings and controls as you type, open every finding before printing.
 * A constant (no input text in it), allowed by its hash alone; nothing may fetch.
 */
const SCRIPT = `(function(){var q=document.getElementById('q'),n=document.getElementById('q-count');
if(q){q.addEventListener('input',function(){var t=q.value.trim().toLowerCase(),shown=0,all=document.querySelectorAll('details.finding,table.coverage tbody tr');
for(var i=0;i<all.length;i++){var hit=!t||all[i].textContent.toLowerCase().indexOf(t)>=0;all[i].hidden=!hit;if(hit)shown++;}
if(n)n.textContent=t?shown+' of '+all.length+' shown':'';});}
window.addEventListener('beforeprint',function(){var d=document.querySelectorAll('details');for(var i=0;i<d.length;i++){d[i].setAttribute('data-was',d[i].open?'1':'0');d[i].open=true;}});
window.addEventListener('afterprint',function(){var d=document.querySelectorAll('details[data-was]');for(var i=0;i<d.length;i++){d[i].open=d[i].getAttribute('data-was')==='1';d[i].removeAttribute('data-was');}});})();`;

/** Only the script above, by its hash, and a policy that forbids any fetch: the file is evidence, it must not phone home. */
const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; base-uri 'none'; form-action 'none'`;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header,main{max-width:1200px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:20px 0 6px}
.verdict{font-size:18px;font-weight:600;padding:10px 14px;border-radius:6px;display:inline-block;margin:8px 0}
.verdict.fail{background:#fdecea;color:#8b1a1a}.verdict.pass{background:#e8f5e9;color:#1b5e20}.verdict.noinput{background:#fff8e1;color:#6d4c00}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
pre{background:#f6f6f6;border:1px solid #e0e0e0;padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-all}
.st-fail{color:#b71c1c;font-weight:600}.st-pass{color:#2e7d32}.st-manual{color:#6a1b9a}.st-nc{color:#757575}.st-muted{color:#5d4037}
.sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
details.finding{background:#fff;border:1px solid #ddd;border-radius:4px;margin:4px 0;padding:4px 8px}
details.finding summary{cursor:pointer}
.notes li{margin:2px 0}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}
.muted-note{color:#5d4037}
footer{max-width:1200px;margin:32px auto;padding:0 24px;color:#666;font-size:12px}
nav.toc{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:12px 0}
nav.toc a{display:inline-block;margin-right:12px;white-space:nowrap}
nav.toc ul{margin:4px 0;padding-left:18px}
.search{margin:8px 0}.search input{font:inherit;padding:4px 8px;width:min(420px,100%)}
p.more{color:#555;font-style:italic}
figure svg{max-width:100%;height:auto}
@media (max-width:600px){header,main,footer{padding:0 10px}table{display:block;overflow-x:auto}.card{min-width:90px;padding:6px 10px}h1{font-size:20px}}
@media print{nav.toc,.search{display:none}details.finding{break-inside:avoid}details>*{display:block}body{background:#fff}}
`;

function sevBadge(s: Severity): string {
  return `<span class="sev" style="background:${SEVERITY_COLOR[s]}">${s}</span>`;
}

type ChartRows = Map<string, Record<Severity, number>>;

/** Failing findings counted by control (or `(rule id)` when a finding maps to none) and severity. */
function chartRows(findings: Iterable<Finding>, controlPrefix?: string): ChartRows {
  const rows: ChartRows = new Map();
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    const controls = controlPrefix === undefined ? (f.controls.length > 0 ? f.controls : [`(rule ${f.ruleId})`]) : f.controls.filter((c) => c.startsWith(controlPrefix));
    for (const c of controls) {
      const r = rows.get(c) ?? { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
      r[f.severity]++;
      rows.set(c, r);
    }
  }
  return rows;
}

/** Findings by control and severity as a horizontal stacked bar chart; inline SVG, no script. */
export function renderChart(
  findings: Iterable<Finding>,
  maxRows = 30,
  controlPrefix?: string,
  title = 'Failing findings by control and severity',
  labels: ReadonlyMap<string, string> = new Map(),
): string {
  return renderChartRows(chartRows(findings, controlPrefix), maxRows, controlPrefix, title, labels);
}

function renderChartRows(
  rows: ChartRows,
  maxRows: number,
  controlPrefix: string | undefined,
  title: string,
  labels: ReadonlyMap<string, string>,
): string {
  const total = (r: Record<Severity, number>) => SEVERITIES.reduce((n, s) => n + r[s], 0);
  const sorted = [...rows.entries()].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0], 'en', { numeric: true }));
  const shown = sorted.slice(0, maxRows);
  const labelW = 360;
  const barW = 560;
  const rowH = 22;
  const top = 30;
  const height = top + Math.max(1, shown.length) * rowH + 20;
  const width = labelW + barW + 60;
  const max = Math.max(1, ...shown.map(([, r]) => total(r)));
  const titleId = `chart-${(controlPrefix ?? 'all').replace(/[^A-Za-z0-9-]/g, '-')}`;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${h(titleId)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif" font-size="12">`;
  svg += `<title id="${h(titleId)}">${h(title)}</title>`;
  // Legend
  let lx = labelW;
  for (const s of SEVERITIES) {
    svg += `<rect x="${lx}" y="6" width="12" height="12" fill="${SEVERITY_COLOR[s]}"/><text x="${lx + 16}" y="16">${s}</text>`;
    lx += 92;
  }
  if (shown.length === 0) {
    svg += `<text x="10" y="${top + 14}">No failing findings.</text>`;
  }
  shown.forEach(([control, r], i) => {
    const y = top + i * rowH;
    const label = labels.get(control) ?? control;
    svg += `<text class="label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${h(label.length > 50 ? `${label.slice(0, 49)}…` : label)}<title>${h(control)}</title></text>`;
    let x = labelW;
    for (const s of SEVERITIES) {
      if (r[s] === 0) continue;
      const w = Math.max(1, (r[s] / max) * barW);
      svg += `<rect class="bar" data-control="${h(control)}" data-severity="${s}" x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${SEVERITY_COLOR[s]}"><title>${h(`${control}: ${r[s]} ${s}`)}</title></rect>`;
      x += w;
    }
    svg += `<text x="${(x + 6).toFixed(1)}" y="${y + 15}">${total(r)}</text>`;
  });
  svg += '</svg>';
  const note = sorted.length > maxRows ? `<p>${sorted.length - maxRows} more control(s) with failing findings are in the coverage tables below.</p>` : '';
  return svg + note;
}

/** One chart per framework version with failing controls, plus one for rules that map to no control. */
function renderCharts(findings: Iterable<Finding>, coverage: FrameworkCoverage[]): string {
  // One pass for every chart: each chart takes its rows from the same counts.
  const all = chartRows(findings);
  if (all.size === 0) return `<figure>${renderChart([])}</figure>`;
  const only = (keep: (key: string) => boolean): ChartRows => new Map([...all].filter(([k]) => keep(k)));
  let s = '';
  for (const fw of coverage) {
    if (fw.counts.fail === 0) continue;
    const key = `${fw.framework}@${fw.version}`;
    const labels = new Map(fw.controls.map((c) => [c.ref, c.title ? `${c.id} ${c.title}` : c.id]));
    s += `<figure><figcaption>${h(key)}: ${h(fw.title)}</figcaption>${renderChartRows(only((k) => k.startsWith(`${key}:`)), 30, `${key}:`, `${key}: failing findings by control and severity`, labels)}</figure>`;
  }
  const unmapped = only((k) => k.startsWith('(rule '));
  if (unmapped.size > 0) s += `<figure><figcaption>Rules that map to no control</figcaption>${renderChartRows(unmapped, 30, undefined, 'Failing findings by control and severity', new Map())}</figure>`;
  return s;
}

/** `anchors`: rule id -> the id of its first group of findings, so a control row links to them. */
function coverageSection(cov: FrameworkCoverage[], anchors: ReadonlyMap<string, string>): string {
  if (cov.length === 0) return '<p>No control catalogue was loaded and no rule names a control.</p>';
  let s = '<table><thead><tr><th>Framework version</th><th>Controls</th><th>Fail</th><th>Pass</th><th>Manual</th><th>Not covered</th></tr></thead><tbody>';
  for (const c of cov) {
    s += `<tr><td><a href="#fw-${h(`${c.framework}-${c.version}`)}">${h(`${c.framework}@${c.version}`)}</a> ${h(c.title)}</td><td class="num">${c.controls.length}</td><td class="num">${c.counts.fail}</td><td class="num">${c.counts.pass}</td><td class="num">${c.counts.manual}</td><td class="num">${c.counts['not-covered']}</td></tr>`;
  }
  s += '</tbody></table>';
  s += `<ul class="notes">${COVERAGE_NOTES.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`;
  for (const c of cov) {
    s += `<h3 id="fw-${h(`${c.framework}-${c.version}`)}">${h(`${c.framework}@${c.version}`)}: ${h(c.title)}</h3>`;
    s += '<table class="coverage"><thead><tr><th>Control</th><th>Title</th><th>Section</th><th>Level</th><th>Assessment</th><th>Status</th><th>Failing</th><th>Muted</th><th>Passed</th><th>Activity</th><th>Rules</th><th>Basis</th></tr></thead><tbody>';
    for (const r of c.controls) {
      s += `<tr data-control="${h(r.ref)}"><td>${h(r.id)}</td><td>${h(r.title ?? '')}</td><td>${h(r.section ?? '')}</td><td>${h(r.level ?? '')}</td><td>${r.assessment}</td><td class="${STATUS_CLASS[r.status]}">${r.status}</td><td class="num">${r.failing}</td><td class="num">${r.muted}</td><td class="num">${r.passed}</td><td class="num">${r.alarm ? r.activity : ''}</td><td>${r.rules.map((x) => (anchors.has(x) ? `<a href="#${h(anchors.get(x)!)}"><code>${h(x)}</code></a>` : `<code>${h(x)}</code>`)).join(' ')}</td><td>${h(r.basis)}</td></tr>`;
    }
    s += '</tbody></table>';
  }
  return s;
}

function findingDetails(f: Finding): string {
  const fields = subjectFields(f.subject)
    .map(([k, v]) => `<tr><th>${h(k)}</th><td class="mono">${h(v)}</td></tr>`)
    .join('');
  const state: string[] = [];
  if (f.baseline) state.push(`baseline: ${f.baseline}`);
  let suppression = '';
  if (f.suppression) {
    const s = f.suppression;
    suppression = `<p class="muted-note">${s.expired ? 'Suppression <b>expired</b> and no longer applies' : 'Muted'}: ${h(s.reason)} (owner ${h(s.owner ?? '')}, expires ${h(s.expires ?? '')}, from <code>${h(s.source)}</code>)</p>`;
  }
  return (
    `<details class="finding" id="f-${h(f.id)}"><summary>${sevBadge(f.severity)} <span class="${STATUS_CLASS[f.status] ?? ''}">${h(f.status)}</span> ${h(f.title)}: <span class="mono">${h(subjectLabel(f.subject))}</span>${state.length ? ` <i>${h(state.join(', '))}</i>` : ''}</summary>` +
    `<p>${h(f.message)}</p>${suppression}` +
    `<table><tbody><tr><th>finding id</th><td class="mono">${h(f.id)}</td></tr><tr><th>rule</th><td class="mono">${h(f.ruleId)}</td></tr><tr><th>controls</th><td>${f.controls.map((c) => `<code>${h(c)}</code>`).join(' ')}</td></tr>${fields}</tbody></table>` +
    eventEvidenceTable(f) +
    `<p><b>Evidence</b></p><pre>${h(JSON.stringify(f.evidence.event === undefined ? f.evidence : { ...f.evidence, event: '(shown above)' }, null, 2))}</pre>` +
    `<p><b>Remediation:</b> ${h(f.remediation)}</p></details>`
  );
}

const SECTIONS = ['Failing', 'Muted by suppressions', 'Other statuses', 'Passed'] as const;

function sectionOf(f: Finding): number {
  return f.status === 'fail' ? 0 : f.status === 'muted' ? 1 : f.status === 'pass' ? 3 : 2;
}

/** Section, then worst rule first, then each rule's findings in time order (events by their time; others by id). */
type HtmlKey = [section: number, severity: number, ruleId: string, time: string, id: string];

function htmlKey(f: Finding): HtmlKey {
  return [sectionOf(f), -severityRank(f.severity), f.ruleId, f.subject.kind === 'event' ? (f.subject.eventTime ?? '') : '', f.id];
}

function compareHtmlKeys(a: HtmlKey, b: HtmlKey): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]) || a[3].localeCompare(b[3]) || a[4].localeCompare(b[4]);
}

const groupId = (section: number, ruleId: string) => `g${section}-${ruleId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

/** What html's own pass keeps (the cards' counts are the tally's): sections, groups and provenance; never the findings. */
interface HtmlTally {
  total: number;
  inSection: number[];
  /** Per section, rule id -> findings, in report order of first sight (sorted before use). */
  groups: Map<string, { section: number; ruleId: string; title: string; severity: Severity; count: number }>;
  accounts: Set<string>;
  regions: Set<string>;
  firstEvent: string | null;
  lastEvent: string | null;
}

function tallyHtml(findings: Iterable<Finding>): HtmlTally {
  const t: HtmlTally = { total: 0, inSection: [0, 0, 0, 0], groups: new Map(), accounts: new Set(), regions: new Set(), firstEvent: null, lastEvent: null };
  for (const f of findings) {
    t.total++;
    const section = sectionOf(f);
    t.inSection[section]++;
    const key = groupId(section, f.ruleId);
    const g = t.groups.get(key);
    if (g) g.count++;
    else t.groups.set(key, { section, ruleId: f.ruleId, title: f.title, severity: f.severity, count: 1 });
    // Bounded: accounts and regions are few however many findings there are.
    if (f.subject.account && t.accounts.size < 1000) t.accounts.add(f.subject.account);
    if (f.subject.region && t.regions.size < 1000) t.regions.add(f.subject.region);
    if (f.subject.kind === 'event' && f.subject.eventTime) {
      if (!t.firstEvent || f.subject.eventTime < t.firstEvent) t.firstEvent = f.subject.eventTime;
      if (!t.lastEvent || f.subject.eventTime > t.lastEvent) t.lastEvent = f.subject.eventTime;
    }
  }
  return t;
}

function listed(values: Iterable<string>, max = 50): string {
  const all = [...values].sort();
  return all.length === 0 ? 'none seen' : `${all.slice(0, max).map((v) => `<code>${h(v)}</code>`).join(' ')}${all.length > max ? ` and ${all.length - max} more` : ''}`;
}

/**
 * The auditor's report: one self-contained file (inline CSS, SVG and one constant script allowed
 * by its hash; no network), with a table of contents and a filter box, the verdict, coverage per
 * framework version (control rows link to their rules' findings), a chart, findings grouped by
 * section and rule in time order with evidence, the inputs with their SHA-256, and provenance
 * (accounts, regions, time range, command line, rule pack hash, tool version). Large groups are
 * summarized: HTML_GROUP_ROWS findings per group and HTML_DETAILS_CAP in all are shown in full,
 * each group saying how many more there are; every finding is in findings.json. Counts come from
 * one pass; the findings are then written from a spool.
 */
function writeHtml(doc: FindingsView, ctx: WriterContext, out: TextSink): void {
  const coverage = ctx.coverage;
  const v = verdictOf(doc, ctx, ctx.tally);
  const counts = ctx.tally.counts;
  const t = tallyHtml(doc.findings);
  const { total, inSection } = t;
  const groups = [...t.groups.entries()].sort(
    ([, a], [, b]) => a.section - b.section || severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId),
  );
  const anchors = new Map<string, string>();
  for (const [id, g] of groups) if (!anchors.has(g.ruleId)) anchors.set(g.ruleId, id);
  const card = (label: string, value: string | number) => `<div class="card"><b>${h(String(value))}</b>${h(label)}</div>`;

  out.write(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trailproof report: ${h(v.text)}</title>
<style>${CSS}</style>
</head>
<body>
`);
  let body = `<header><h1>trailproof compliance report</h1>`;
  body += `<div class="verdict ${v.noInput ? 'noinput' : v.failed ? 'fail' : 'pass'}" id="verdict">${h(v.text)}</div>`;
  body += `<p>Scan ${h(doc.startedAt)} to ${h(doc.finishedAt)} · trailproof ${h(doc.tool.version)} · rule pack <code>${h(doc.rulePack.sha256)}</code> (${doc.rulePack.rules} rules)</p>`;
  body += '<nav class="toc" aria-label="Contents"><a href="#summary">Summary</a><a href="#chart">Chart</a><a href="#coverage">Control coverage</a><a href="#findings">Findings</a>';
  if (doc.fixed?.length) body += '<a href="#fixed">Fixed</a>';
  if (doc.notRejudged?.length) body += '<a href="#not-rejudged">Not re-judged</a>';
  if (doc.suppressions) body += '<a href="#suppressions">Suppressions</a>';
  body += '<a href="#inputs">Inputs</a><a href="#provenance">Provenance</a>';
  if (coverage.length > 0) body += `<ul>${coverage.map((c) => `<li><a href="#fw-${h(`${c.framework}-${c.version}`)}">${h(`${c.framework}@${c.version}`)}</a>: ${c.counts.fail} fail, ${c.counts.pass} pass, ${c.counts.manual} manual, ${c.counts['not-covered']} not covered</li>`).join('')}</ul>`;
  body += '</nav>';
  body += '<div class="search"><label>Filter findings and controls: <input id="q" type="search" autocomplete="off"></label> <span id="q-count"></span></div></header><main>';

  body += '<h2 id="summary">Summary</h2><div class="cards">';
  body += card('inputs', doc.inputs.length) + card('events', doc.summary.events) + card('failing', counts.failing) + card('needs manual review', counts.undecided) + card('muted', counts.muted) + card('passed', inSection[3]);
  for (const s of SEVERITIES) {
    const n = counts.bySeverity.get(s) ?? 0;
    if (n > 0) body += card(s, n);
  }
  if (doc.baseline) body += card('new', doc.baseline.new) + card('unchanged', doc.baseline.unchanged) + card('fixed', doc.baseline.fixed) + (doc.baseline.notRejudged ? card('not re-judged', doc.baseline.notRejudged) : '');
  body += '</div>';

  body += `<h2 id="chart">Failing findings by control and severity</h2>${renderCharts(doc.findings, coverage)}`;
  body += `<h2 id="coverage">Control coverage</h2>${coverageSection(coverage, anchors)}`;

  body += `<h2 id="findings">Findings (${total})</h2>`;
  if (groups.length > 0) {
    body += `<p>Grouped by status and rule, worst first; within a rule in time order. Up to ${HTML_GROUP_ROWS} findings per group and ${HTML_DETAILS_CAP} in all are shown in full; every finding is in findings.json.</p><ul>`;
    body += groups.map(([id, g]) => `<li><a href="#${h(id)}">${h(SECTIONS[g.section])}: ${h(g.title)}</a> (${g.count})</li>`).join('');
    body += '</ul>';
  }
  out.write(body);
  const sorted = findingSpool<HtmlKey>(htmlKey, compareHtmlKeys, ctx);
  for (const f of doc.findings) sorted.add(f);
  let shownAll = 0;
  try {
    let section = -1;
    let group = '';
    let shown = 0;
    let count = 0;
    const closeGroup = () => {
      if (group && count > shown) out.write(`<p class="more">${count - shown} more finding(s) of this group not shown here${shownAll >= HTML_DETAILS_CAP ? ` (the report shows ${HTML_DETAILS_CAP} in full)` : ''}; every finding is in findings.json.</p>`);
    };
    for (const f of sorted) {
      const at = sectionOf(f);
      if (at !== section) {
        closeGroup();
        group = '';
        section = at;
        out.write(`<h3>${h(SECTIONS[at])} (${inSection[at]})</h3>`);
      }
      const id = groupId(at, f.ruleId);
      if (id !== group) {
        closeGroup();
        group = id;
        shown = 0;
        count = t.groups.get(id)!.count;
        out.write(`<h4 id="${h(id)}">${sevBadge(f.severity)} ${h(f.title)} <code>${h(f.ruleId)}</code> (${count})</h4>`);
      }
      if (shown < HTML_GROUP_ROWS && shownAll < HTML_DETAILS_CAP) {
        out.write(findingDetails(f));
        shown++;
        shownAll++;
      }
    }
    closeGroup();
  } finally {
    sorted.release();
  }
  body = '';
  if (total === 0) body += '<p>No findings.</p>';
  if (doc.fixed && doc.fixed.length > 0) {
    body += `<h2 id="fixed">Fixed since the baseline (${doc.fixed.length})</h2><table><thead><tr><th>Rule</th><th>Subject</th><th>Finding id</th></tr></thead><tbody>`;
    body += doc.fixed.slice(0, HTML_TABLE_ROWS).map((x) => `<tr><td><code>${h(x.ruleId)}</code></td><td class="mono">${h(subjectLabel(x.subject))}</td><td class="mono">${h(x.id)}</td></tr>`).join('') + moreRow(doc.fixed.length, 3);
    body += '</tbody></table>';
  }
  if (doc.notRejudged && doc.notRejudged.length > 0) {
    body += `<h2 id="not-rejudged">Not re-judged since the baseline (${doc.notRejudged.length})</h2><p>Open in the baseline, but their input was not scanned this time: neither fixed nor failing.</p><table><thead><tr><th>Rule</th><th>Subject</th><th>Finding id</th></tr></thead><tbody>`;
    body += doc.notRejudged.slice(0, HTML_TABLE_ROWS).map((x) => `<tr><td><code>${h(x.ruleId)}</code></td><td class="mono">${h(subjectLabel(x.subject))}</td><td class="mono">${h(x.id)}</td></tr>`).join('') + moreRow(doc.notRejudged.length, 3);
    body += '</tbody></table>';
  }
  if (doc.suppressions) {
    const s = doc.suppressions;
    body += `<h2 id="suppressions">Suppressions</h2><p>${s.entries} entr${s.entries === 1 ? 'y' : 'ies'} from ${s.sources.map((x) => `<code>${h(x)}</code>`).join(', ') || 'none'}; ${s.muted} finding(s) muted.</p>`;
    if (s.expired.length > 0) {
      body += '<h3>Expired (no longer applied)</h3><table><thead><tr><th>Where</th><th>Owner</th><th>Expired</th><th>Reason</th><th>Would match</th></tr></thead><tbody>';
      body += s.expired.map((e) => `<tr><td class="mono">${h(e.source)}</td><td>${h(e.owner)}</td><td>${h(e.expires)}</td><td>${h(e.reason)}</td><td class="num">${e.matched}</td></tr>`).join('');
      body += '</tbody></table>';
    }
    if (s.unused.length > 0) {
      body += '<h3>Matched nothing</h3><table><thead><tr><th>Where</th><th>Owner</th><th>Reason</th></tr></thead><tbody>';
      body += s.unused.map((e) => `<tr><td class="mono">${h(e.source)}</td><td>${h(e.owner)}</td><td>${h(e.reason)}</td></tr>`).join('');
      body += '</tbody></table>';
    }
  }

  body += `<h2 id="inputs">Inputs (${doc.inputs.length})</h2><table class="inputs"><thead><tr><th>Path</th><th>Kind</th><th>Status</th><th>Records</th><th>Bytes</th><th>SHA-256</th><th>Reason</th></tr></thead><tbody>`;
  // Inputs not fully read first: they are what a reader must see; the rest up to the cap.
  const inputs = [...doc.inputs.filter((i) => i.status !== 'processed'), ...doc.inputs.filter((i) => i.status === 'processed')];
  body += inputs
    .slice(0, HTML_TABLE_ROWS)
    .map(
      (i) =>
        `<tr><td class="mono">${h(i.path)}</td><td>${h(i.kind)}</td><td>${h(i.status)}</td><td class="num">${i.records}</td><td class="num">${i.bytes ?? ''}</td><td class="mono">${h(i.sha256 ?? '')}</td><td>${h(
          [i.reason ?? '', ...(i.skippedRecords ?? []).map((r) => `${r.count} record(s) skipped: ${r.reason}`)].filter(Boolean).join('; '),
        )}</td></tr>`,
    )
    .join('');
  body += `${moreRow(inputs.length, 7)}</tbody></table>`;

  body += `<h2 id="provenance">Provenance</h2><table><tbody>`;
  body += `<tr><th>tool</th><td>${h(doc.tool.name)} ${h(doc.tool.version)}</td></tr>`;
  body += `<tr><th>rule pack SHA-256</th><td class="mono">${h(doc.rulePack.sha256)}</td></tr>`;
  body += `<tr><th>rules loaded</th><td>${doc.rulePack.rules}</td></tr>`;
  body += `<tr><th>events scanned</th><td>${doc.summary.events} (${doc.summary.duplicateEventsIgnored} duplicate(s) ignored)</td></tr>`;
  body += `<tr><th>scan</th><td>${h(doc.startedAt)} to ${h(doc.finishedAt)}</td></tr>`;
  body += `<tr><th>command line</th><td class="mono">${ctx.commandLine ? h(ctx.commandLine.join(' ')) : 'not recorded'}</td></tr>`;
  body += `<tr><th>accounts (in findings)</th><td>${listed(t.accounts)}</td></tr>`;
  body += `<tr><th>regions (in findings)</th><td>${listed(t.regions)}</td></tr>`;
  body += `<tr><th>event time range (in findings)</th><td>${t.firstEvent ? `${h(t.firstEvent)} to ${h(t.lastEvent ?? '')}` : 'no event findings'}</td></tr>`;
  body += `<tr><th>verdict</th><td>${h(v.text)}</td></tr></tbody></table>`;
  if (doc.rulePack.errors.length > 0) {
    body += '<h3>Rule files that did not load</h3><ul>' + doc.rulePack.errors.map((e) => `<li><code>${h(e.path)}</code> ${h(e.pointer)}: ${h(e.message)}</li>`).join('') + '</ul>';
  }
  body += `</main><footer>Generated by trailproof ${h(doc.tool.version)} from findings.json (schema ${h(doc.schemaVersion)}). Input paths are as given to the scan.</footer>`;

  out.write(`${body}\n<script>${SCRIPT}</script>\n</body>\n</html>\n`);
}

/** The report, as reports/registry.ts registers it (format html, report.html). */
export const write: ReportWriter['write'] = writeHtml;
