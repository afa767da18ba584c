import { isAbsolute, relative, sep } from 'node:path';
import { alarmControls, COVERAGE_NOTES } from '../src/findings/coverage';
import type { Finding, FindingsView, SourceRef } from '../src/model/finding';
import type { Rule } from '../src/model/rule';
import type { Severity } from '../src/model/severity';
import { mdCode, mdText, showControls } from './escape';
import { collectText, type TextSink, writeJsonFilling } from './sink';
import { compareFindingKeys, compareFindings, findingKey, findingSpool, type ReportContext, locationLabel, subjectFields } from './view';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning ranks alerts by this score (critical > 9, high 7-8.9, medium 4-6.9, low < 4). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.5' };

/** A path as a SARIF uri-reference: relative to the base (forward slashes, each segment percent-encoded). */
export function artifactUri(path: string, baseDir: string): { uri: string; uriBaseId?: string } {
  if (path === '-' || path === '<stdin>') return { uri: 'stdin' };
  let p = path;
  if (isAbsolute(p)) {
    const rel = relative(baseDir, p);
    if (!rel.startsWith('..') && !isAbsolute(rel)) p = rel;
    else return { uri: `file://${p.split(sep).map(encodeURIComponent).join('/')}` };
  }
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
      tags: ['security', 'compliance', ...controls],
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

function isResult(f: Finding): boolean {
  return f.status === 'fail' || f.status === 'muted';
}

function sarifResult(f: Finding, ruleIndex: ReadonlyMap<string, number>, baseDir: string, alarms: ReadonlySet<string>): Record<string, unknown> {
  const where = locationLabel(f.subject.source);
  const fields = subjectFields(f.subject)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  const r: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId),
    level: LEVEL[f.severity],
    kind: 'fail',
    message: {
      text: showControls(`${f.message} (${where})`),
      markdown: `${mdText(f.title)}: ${subjectFields(f.subject)
        .map(([k, v]) => `${mdText(k)} ${mdCode(v)}`)
        .join(', ')}`,
    },
    locations: [{ physicalLocation: physicalLocation(f.subject.source, baseDir), logicalLocations: logicalLocations(f), message: { text: showControls(fields) } }],
    partialFingerprints: { 'trailproofFindingId/v1': f.id },
    properties: { findingId: f.id, status: f.status, severity: f.severity, controls: f.controls, subjectKind: f.subject.kind, evidence: f.evidence, remediation: f.remediation },
  };
  // An event matching an alarm control's pattern is activity for that control, not its failure.
  const activityFor = f.subject.kind === 'event' ? f.controls.filter((c) => alarms.has(c)) : [];
  if (activityFor.length > 0) (r.properties as Record<string, unknown>).activityFor = activityFor;
  if (f.baseline) r.baselineState = f.baseline;
  if (f.status === 'muted' && f.suppression) {
    r.suppressions = [
      {
        kind: f.suppression.source.includes('#/resource/') ? 'inSource' : 'external',
        status: 'accepted',
        justification: showControls(f.suppression.reason),
        properties: { owner: f.suppression.owner ?? '', expires: f.suppression.expires ?? '', source: f.suppression.source },
      },
    ];
  }
  return r;
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
  for (const i of doc.inputs) {
    const loc = artifactUri(i.path, baseDir);
    if (seen.has(loc.uri)) continue;
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
            toolExecutionNotifications: doc.inputs
              .filter((i) => i.status !== 'processed')
              .map((i) => ({
                level: i.status === 'error' ? 'error' : 'warning',
                message: { text: showControls(`${i.path}: ${i.status}: ${i.reason ?? ''}`) },
                locations: [{ physicalLocation: { artifactLocation: artifactUri(i.path, baseDir) } }],
              })),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${baseDir.split(sep).map(encodeURIComponent).join('/')}/` } },
        artifacts,
        results: [] as Record<string, unknown>[],
        columnKind: 'utf16CodeUnits',
        properties: {
          rulePackSha256: doc.rulePack.sha256,
          notes: COVERAGE_NOTES,
          events: doc.summary.events,
          ...(doc.baseline ? { baseline: doc.baseline, fixed: (doc.fixed ?? []).map((x) => ({ id: x.id, ruleId: x.ruleId })), notRejudged: (doc.notRejudged ?? []).length } : {}),
        },
      },
    ],
  };
  return { log, ruleIndex, baseDir };
}

/** Failing and muted findings as SARIF results, worst first, read through a spool. */
function* results(doc: FindingsView, ctx: ReportContext, ruleIndex: ReadonlyMap<string, number>, baseDir: string): Generator<Record<string, unknown>> {
  const open = findingSpool(findingKey, compareFindingKeys, ctx);
  for (const f of doc.findings) if (isResult(f)) open.add(f);
  const alarms = alarmControls(ctx.rules);
  try {
    for (const f of open) yield sarifResult(f, ruleIndex, baseDir, alarms);
  } finally {
    open.release();
  }
}

/**
 * SARIF 2.1.0 for code scanning. Failing and muted findings are results (muted ones carry an
 * accepted suppression with the reason). IaC results point at the cdk.tf.json line of the
 * resource, with the construct path as the logical location; event results at the log file.
 * Written result by result (see renderSarif for the same log as one value).
 */
export function writeSarif(doc: FindingsView, ctx: ReportContext, out: TextSink): void {
  const { log, ruleIndex, baseDir } = sarifShell(doc, ctx);
  writeJsonFilling(log, 'results', 3, results(doc, ctx, ruleIndex, baseDir), out);
  out.write('\n');
}

/** The SARIF log as one value (small documents, tests); the file is written by writeSarif. */
export function renderSarif(doc: FindingsView, ctx: ReportContext): Record<string, unknown> {
  return JSON.parse(collectText((out) => writeSarif(doc, ctx, out))) as Record<string, unknown>;
}
