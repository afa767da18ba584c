import { createHash } from 'node:crypto';
import { isAbsolute, sep } from 'node:path';
import { alarmControls, COVERAGE_NOTES } from '../src/findings/coverage';
import type { Finding, FindingsView, SourceRef } from '../src/model/finding';
import type { ReportContext, ReportWriter, TextSink } from '../src/model/report-writer';
import type { Rule } from '../src/model/rule';
import type { Severity } from '../src/model/severity';
import { ConstructSources } from './construct-source';
import { clipText, mdCode, mdText, showControls } from './escape';
import { collectText, writeJsonFilling } from './sink';
import { compareFindingKeys, compareFindings, findingKey, findingSpool, locationLabel, pathInside, subjectFields } from './view';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/**
 * What GitHub code scanning accepts and shows of one run ("SARIF results exceed one or more
 * limits", docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit):
 * at most 25,000 results per run and only the top 5,000 shown; 1,000 locations per result, 100
 * shown; 20 tags per rule, 10 shown. The upload itself must be under 10 MB gzipped ("SARIF results
 * file is too large"). trailproof stays within what is shown, so nothing is silently dropped.
 */
export const SARIF_LIMITS = { results: 5_000, locationsPerResult: 100, tagsPerRule: 10, gzipBytes: 10 * 1024 * 1024 } as const;
/** Evidence and message text carried per result; the whole of both is in findings.json. */
const EVIDENCE_CHARS = 1_000;
const MESSAGE_CHARS = 1_000;
/** Principals, event ids and finding ids named in an event group. */
const GROUP_SAMPLES = 10;

function clipEvidence(e: Record<string, unknown>): unknown {
  const json = JSON.stringify(e);
  return json.length <= EVIDENCE_CHARS ? e : { truncated: true, chars: json.length, json: json.slice(0, EVIDENCE_CHARS) };
}

/** GitHub code scanning ranks alerts by this score (critical > 9, high 7-8.9, medium 4-6.9, low < 4). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.5' };

/** A path as a SARIF uri-reference: relative to the base (forward slashes, each segment percent-encoded). */
function artifactUri(path: string, baseDir: string): { uri: string; uriBaseId?: string } {
  if (path === '-' || path === '<stdin>') return { uri: 'stdin' };
  const p = isAbsolute(path) ? pathInside(path, baseDir) : path;
  if (p === undefined) return { uri: `file://${path.split(sep).map(encodeURIComponent).join('/')}` };
  return { uri: p.split(/[\\/]/).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function physicalLocation(src: SourceRef, baseDir: string) {
  const loc: Record<string, unknown> = { artifactLocation: artifactUri(src.path, baseDir) };
  if (src.line !== undefined && src.line >= 1) loc.region = { startLine: src.line };
  return loc;
}

function logicalLocations(f: Finding) {
  const s = f.subject;
  switch (s.kind) {
    case 'resource': {
      const l: Record<string, string> = { name: showControls(s.address ?? s.resourceId), kind: 'resource' };
      if (s.constructPath) l.fullyQualifiedName = showControls(s.constructPath);
      return [l];
    }
    case 'event':
      return [{ name: showControls(s.eventId ?? s.eventName ?? 'event'), fullyQualifiedName: showControls(`${s.eventSource ?? ''}:${s.eventName ?? ''}`), kind: 'object' }];
    default:
      return [];
  }
}

function ruleDescriptor(id: string, rule: Rule | undefined, f: Finding | undefined) {
  const severity = rule?.severity ?? f?.severity ?? 'medium';
  const controls = rule?.controls ?? f?.controls ?? [];
  const title = rule?.title ?? f?.title ?? id;
  const d: Record<string, unknown> = {
    id,
    name: id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: title },
    fullDescription: { text: rule?.description ?? title },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      // GitHub keeps 10 tags per rule; every control is still in `controls`.
      tags: ['security', 'compliance', ...controls].slice(0, SARIF_LIMITS.tagsPerRule),
      'security-severity': SECURITY_SEVERITY[severity],
      severity,
      controls,
    },
  };
  if (rule) {
    const refs = rule.references.map((r) => `- ${r}`).join('\n');
    d.help = {
      text: `${rule.rationale}\n\nRemediation: ${rule.remediation}\n\nControls: ${controls.join(', ')}\n\nReferences:\n${rule.references.join('\n')}`,
      markdown: `${mdText(rule.rationale)}\n\n**Remediation:** ${mdText(rule.remediation)}\n\n**Controls:** ${controls.map((c) => mdCode(c)).join(', ')}\n\n**References:**\n${refs}`,
    };
    const https = rule.references.find((r) => /^https:\/\/[^\s]+$/.test(r));
    if (https) d.helpUri = https;
  } else if (f) {
    d.help = { text: `Remediation: ${f.remediation}` };
  }
  return d;
}

/** What every result starts with: its rule, level and kind (a failing or muted finding is a `fail`). */
function resultHead(f: Finding, ruleIndex: ReadonlyMap<string, number>) {
  return { ruleId: f.ruleId, ruleIndex: ruleIndex.get(f.ruleId), level: LEVEL[f.severity], kind: 'fail' };
}

function isResult(f: Finding): boolean {
  return f.status === 'fail' || f.status === 'muted';
}

function sarifResult(f: Finding, ruleIndex: ReadonlyMap<string, number>, baseDir: string, alarms: ReadonlySet<string>, sources?: ConstructSources): Record<string, unknown> {
  const where = locationLabel(f.subject.source);
  const fields = subjectFields(f.subject)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  const r: Record<string, unknown> = {
    ...resultHead(f, ruleIndex),
    message: {
      text: clipText(showControls(`${f.message} (${where})`), MESSAGE_CHARS),
      markdown: `${mdText(f.title)}: ${subjectFields(f.subject)
        .map(([k, v]) => `${mdText(k)} ${mdCode(v)}`)
        .join(', ')}`,
    },
    locations: [{ physicalLocation: physicalLocation(f.subject.source, baseDir), logicalLocations: logicalLocations(f), message: { text: showControls(fields) } }],
    partialFingerprints: { 'trailproofFindingId/v1': f.id },
    properties: { findingId: f.id, status: f.status, severity: f.severity, controls: f.controls, subjectKind: f.subject.kind, evidence: clipEvidence(f.evidence), remediation: f.remediation },
  };
  // The construct's source line, where known, is where code scanning can show the result and the
  // fix goes; the synthesized cdk.tf.json (build output, seldom committed) stays as related.
  const site = f.subject.kind === 'resource' && f.subject.constructPath ? sources?.find(f.subject.constructPath) : undefined;
  if (site) {
    const synthesized = (r.locations as Record<string, unknown>[])[0];
    r.locations = [{ ...synthesized, physicalLocation: { artifactLocation: { uri: site.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }, region: { startLine: site.line } } }];
    r.relatedLocations = [{ id: 1, physicalLocation: synthesized.physicalLocation, message: { text: 'the resource as synthesized (cdk.tf.json)' } }];
  }
  // An event matching an alarm control's pattern is activity for that control, not its failure.
  const activityFor = f.subject.kind === 'event' ? f.controls.filter((c) => alarms.has(c)) : [];
  if (activityFor.length > 0) (r.properties as Record<string, unknown>).activityFor = activityFor;
  if (f.baseline) r.baselineState = f.baseline;
  const sup = suppressionsOf(f);
  if (sup) r.suppressions = sup;
  return r;
}

function suppressionsOf(f: Finding): Record<string, unknown>[] | undefined {
  if (f.status !== 'muted' || !f.suppression) return undefined;
  return [
    {
      kind: f.suppression.source.includes('#/resource/') ? 'inSource' : 'external',
      status: 'accepted',
      justification: showControls(f.suppression.reason),
      properties: { owner: f.suppression.owner ?? '', expires: f.suppression.expires ?? '', source: f.suppression.source },
    },
  ];
}

/** Inputs listed as artifacts, and inputs not fully read given a notification each; findings.json lists every input. */
const SARIF_ARTIFACTS = 1_000;
const SARIF_INPUT_NOTIFICATIONS = 100;

function inputNotifications(doc: FindingsView, baseDir: string): Record<string, unknown>[] {
  const problems = doc.inputs.filter((i) => i.status !== 'processed');
  const out: Record<string, unknown>[] = problems.slice(0, SARIF_INPUT_NOTIFICATIONS).map((i) => ({
    level: i.status === 'error' ? 'error' : 'warning',
    message: { text: showControls(`${i.path}: ${i.status}: ${i.reason ?? ''}`) },
    locations: [{ physicalLocation: { artifactLocation: artifactUri(i.path, baseDir) } }],
  }));
  const rest = problems.length - out.length;
  if (rest > 0) out.push({ level: 'warning', message: { text: `${rest} more input(s) not fully read; every input is listed in findings.json.` } });
  return out;
}

/**
 * Everything but the results, from one pass over the findings: the rule table needs each rule's
 * first result (in report order), not the results themselves.
 */
function sarifShell(doc: FindingsView, ctx: ReportContext): { log: Record<string, unknown>; ruleIndex: Map<string, number>; baseDir: string } {
  const baseDir = ctx.baseDir ?? process.cwd();
  const ruleById = new Map(ctx.rules.map((r) => [r.id, r]));
  const firstFinding = new Map<string, Finding>();
  for (const f of doc.findings) {
    if (!isResult(f)) continue;
    const seen = firstFinding.get(f.ruleId);
    if (!seen || compareFindings(f, seen) < 0) firstFinding.set(f.ruleId, f);
  }
  const ruleIds = [...new Set([...ctx.rules.map((r) => r.id), ...firstFinding.keys()])].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const artifacts: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let artifactsNotListed = 0;
  for (const i of doc.inputs) {
    const loc = artifactUri(i.path, baseDir);
    if (seen.has(loc.uri)) continue;
    if (artifacts.length >= SARIF_ARTIFACTS) {
      artifactsNotListed++;
      continue;
    }
    seen.add(loc.uri);
    const a: Record<string, unknown> = { location: loc, roles: ['analysisTarget'] };
    if (i.sha256) a.hashes = { 'sha-256': i.sha256 };
    if (i.bytes !== undefined) a.length = i.bytes;
    artifacts.push(a);
  }

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: doc.tool.name,
            version: doc.tool.version,
            semanticVersion: doc.tool.version,
            rules: ruleIds.map((id) => ruleDescriptor(id, ruleById.get(id), firstFinding.get(id))),
          },
        },
        invocations: [
          {
            executionSuccessful: doc.inputs.every((i) => i.status !== 'error'),
            startTimeUtc: doc.startedAt,
            endTimeUtc: doc.finishedAt,
            toolExecutionNotifications: inputNotifications(doc, baseDir),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${baseDir.split(sep).map(encodeURIComponent).join('/')}/` } },
        artifacts,
        results: [] as Record<string, unknown>[],
        columnKind: 'utf16CodeUnits',
        properties: {
          rulePackSha256: doc.rulePack.sha256,
          ...(artifactsNotListed > 0 ? { artifactsNotListed } : {}),
          notes: COVERAGE_NOTES,
          events: doc.summary.events,
          ...(doc.baseline ? { baseline: doc.baseline, fixed: (doc.fixed ?? []).map((x) => ({ id: x.id, ruleId: x.ruleId })), notRejudged: (doc.notRejudged ?? []).length } : {}),
        },
      },
    ],
  };
  return { log, ruleIndex, baseDir };
}

/** Events of one rule, event name, account and region (and waiver), reported as one result. */
interface EventGroup {
  key: string;
  first: Finding;
  count: number;
  anyNew: boolean;
  files: string[];
  moreFiles: number;
  principals: Set<string>;
  morePrincipals: number;
  eventIds: string[];
  findingIds: string[];
  firstTime: string | null;
  lastTime: string | null;
}

function groupKey(f: Finding): string {
  const s = f.subject as Extract<Finding['subject'], { kind: 'event' }>;
  return [f.ruleId, s.eventName ?? '', s.account ?? '', s.region ?? '', f.status === 'muted' ? `muted:${f.suppression?.source ?? ''}` : 'open'].join('\u0000');
}

function addToGroup(g: EventGroup, f: Finding): void {
  const s = f.subject as Extract<Finding['subject'], { kind: 'event' }>;
  g.count++;
  if (f.baseline === 'new') g.anyNew = true;
  const file = f.subject.source.path;
  if (!g.files.includes(file)) {
    if (g.files.length < SARIF_LIMITS.locationsPerResult) g.files.push(file);
    else g.moreFiles++;
  }
  const who = s.principal ?? 'unknown principal';
  if (!g.principals.has(who)) {
    if (g.principals.size < GROUP_SAMPLES) g.principals.add(who);
    else g.morePrincipals++;
  }
  if (g.eventIds.length < GROUP_SAMPLES && s.eventId) g.eventIds.push(s.eventId);
  if (g.findingIds.length < GROUP_SAMPLES) g.findingIds.push(f.id);
  if (s.eventTime) {
    if (!g.firstTime || s.eventTime < g.firstTime) g.firstTime = s.eventTime;
    if (!g.lastTime || s.eventTime > g.lastTime) g.lastTime = s.eventTime;
  }
}

function groupResult(g: EventGroup, ruleIndex: ReadonlyMap<string, number>, baseDir: string, alarms: ReadonlySet<string>, baselined: boolean): Record<string, unknown> {
  const f = g.first;
  const s = f.subject as Extract<Finding['subject'], { kind: 'event' }>;
  const when = g.firstTime ? (g.firstTime === g.lastTime ? ` at ${g.firstTime}` : ` from ${g.firstTime} to ${g.lastTime}`) : '';
  const where = `account ${s.account ?? 'unknown'}${s.region ? ` (${s.region})` : ''}`;
  const principals = `${[...g.principals].join(', ')}${g.morePrincipals ? ` and ${g.morePrincipals} more` : ''}`;
  const text = `${f.title}: ${g.count} ${s.eventName ?? 'event'} event(s) in ${where}${when} by ${principals}. First: ${f.message}`;
  const r: Record<string, unknown> = {
    ...resultHead(f, ruleIndex),
    message: {
      text: clipText(showControls(text), MESSAGE_CHARS),
      markdown: `${mdText(f.title)}: **${g.count}** ${mdCode(s.eventName ?? 'event')} event(s) in ${mdCode(where)}${when ? ` ${mdText(when.trim())}` : ''} by ${[...g.principals].map((p) => mdCode(p)).join(', ')}${g.morePrincipals ? ` and ${g.morePrincipals} more` : ''}`,
    },
    locations: g.files.map((path, i) => ({
      physicalLocation: physicalLocation({ path }, baseDir),
      ...(i === 0 ? { logicalLocations: logicalLocations(f) } : {}),
    })),
    // The same rule, event name, account and region is the same alert from one run to the next.
    partialFingerprints: { 'trailproofEventGroup/v1': createHash('sha256').update(g.key).digest('hex').slice(0, 32) },
    properties: {
      aggregated: true,
      count: g.count,
      status: f.status,
      severity: f.severity,
      controls: f.controls,
      subjectKind: 'event',
      firstTime: g.firstTime,
      lastTime: g.lastTime,
      principals: [...g.principals],
      eventIds: g.eventIds,
      findingIds: g.findingIds,
      filesNotListed: g.moreFiles,
      evidence: clipEvidence(f.evidence),
      remediation: f.remediation,
    },
  };
  const activityFor = f.controls.filter((c) => alarms.has(c));
  if (activityFor.length > 0) (r.properties as Record<string, unknown>).activityFor = activityFor;
  if (baselined) r.baselineState = g.anyNew ? 'new' : 'unchanged';
  const sup = suppressionsOf(f);
  if (sup) r.suppressions = sup;
  return r;
}

/** Findings of one rule past the results cap: one result that says how many, pointing at the first. */
interface Overflow {
  first: Finding;
  count: number;
  muted: number;
}

function overflowResult(o: Overflow, ruleIndex: ReadonlyMap<string, number>, baseDir: string): Record<string, unknown> {
  const f = o.first;
  return {
    ...resultHead(f, ruleIndex),
    message: { text: clipText(showControls(`${f.title}: ${o.count} more finding(s) (${o.muted} muted) not listed one by one: this run is capped at ${SARIF_LIMITS.results} results, what GitHub code scanning shows. Every finding is in findings.json.`), MESSAGE_CHARS) },
    locations: [{ physicalLocation: physicalLocation(f.subject.source, baseDir) }],
    partialFingerprints: { 'trailproofOverflow/v1': f.ruleId },
    properties: { aggregated: true, overflow: true, count: o.count, muted: o.muted, severity: f.severity, controls: f.controls },
  };
}

interface BuiltResults {
  results: Record<string, unknown>[];
  /** Failing and muted findings the results stand for. */
  findings: number;
  /** Of them, those only counted in an overflow result. */
  folded: number;
}

/**
 * Failing and muted findings as at most SARIF_LIMITS.results results, worst first (read through a
 * spool): a result per resource, account or file subject; events as one result per rule, event
 * name, account and region with the count; past the cap, one result per rule with how many more.
 */
function buildResults(doc: FindingsView, ctx: ReportContext, ruleIndex: ReadonlyMap<string, number>, baseDir: string): BuiltResults {
  const open = findingSpool(findingKey, compareFindingKeys, ctx);
  for (const f of doc.findings) if (isResult(f)) open.add(f);
  const alarms = alarmControls(ctx.rules);
  const sources = new ConstructSources(baseDir);
  // Room for one overflow result per rule.
  const budget = SARIF_LIMITS.results - ruleIndex.size;
  const slots: (EventGroup | { result: Record<string, unknown> })[] = [];
  const groups = new Map<string, EventGroup>();
  const overflow = new Map<string, Overflow>();
  let findings = 0;
  let folded = 0;
  try {
    for (const f of open) {
      findings++;
      if (f.subject.kind === 'event') {
        const key = groupKey(f);
        let g = groups.get(key);
        if (!g && slots.length < budget) {
          g = { key, first: f, count: 0, anyNew: false, files: [], moreFiles: 0, principals: new Set(), morePrincipals: 0, eventIds: [], findingIds: [], firstTime: null, lastTime: null };
          groups.set(key, g);
          slots.push(g);
        }
        if (g) {
          addToGroup(g, f);
          continue;
        }
      } else if (slots.length < budget) {
        slots.push({ result: sarifResult(f, ruleIndex, baseDir, alarms, sources) });
        continue;
      }
      folded++;
      const o = overflow.get(f.ruleId);
      if (o) {
        o.count++;
        if (f.status === 'muted') o.muted++;
      } else overflow.set(f.ruleId, { first: f, count: 1, muted: f.status === 'muted' ? 1 : 0 });
    }
  } finally {
    open.release();
  }
  const results = slots.map((x) => ('result' in x ? x.result : groupResult(x, ruleIndex, baseDir, alarms, Boolean(doc.baseline))));
  for (const o of overflow.values()) results.push(overflowResult(o, ruleIndex, baseDir));
  return { results, findings, folded };
}

/**
 * SARIF 2.1.0 for code scanning, within GitHub's limits (SARIF_LIMITS) whatever the scan's size.
 * Failing and muted findings are results (muted ones carry an accepted suppression with the
 * reason): IaC results point at the cdk.tf.json line of the resource, with the construct path as
 * the logical location; events are grouped per rule, event name, account and region, pointing at
 * their log files. When the cap folds findings, a notification and the run's properties say how many.
 */
function writeSarif(doc: FindingsView, ctx: ReportContext, out: TextSink): void {
  const { log, ruleIndex, baseDir } = sarifShell(doc, ctx);
  const built = buildResults(doc, ctx, ruleIndex, baseDir);
  const run = (log.runs as Record<string, unknown>[])[0];
  (run.properties as Record<string, unknown>).results = { findings: built.findings, results: built.results.length, folded: built.folded, cap: SARIF_LIMITS.results };
  if (built.folded > 0) {
    const invocation = (run.invocations as { toolExecutionNotifications: unknown[] }[])[0];
    invocation.toolExecutionNotifications.push({
      level: 'warning',
      message: { text: `${built.folded} of ${built.findings} failing or muted finding(s) are counted in one result per rule instead of listed: this run is capped at ${SARIF_LIMITS.results} results, what GitHub code scanning shows. Every finding is in findings.json.` },
    });
  }
  writeJsonFilling(log, 'results', 3, built.results, out);
  out.write('\n');
}

/** The SARIF log as one value (small documents, tests); the file is written by writeSarif. */
export function renderSarif(doc: FindingsView, ctx: ReportContext): Record<string, unknown> {
  return JSON.parse(collectText((out) => writeSarif(doc, ctx, out))) as Record<string, unknown>;
}

/** The report, as reports/registry.ts registers it (format sarif, report.sarif). */
export const write: ReportWriter['write'] = writeSarif;
