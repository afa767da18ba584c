import { isAbsolute, relative, sep } from 'node:path';
import type { Finding, SourceRef, Subject } from '../src/model/finding';
import type { ReportContext } from '../src/model/report-writer';
import { SEVERITIES, type Severity, severityRank } from '../src/model/severity';
import { SortedSpool } from '../src/util/spool';

export { SEVERITIES };
export type { Severity };

/** A one-line plain-text name for a subject (escape it for the output it goes into). */
export function subjectLabel(s: Subject): string {
  switch (s.kind) {
    case 'event':
      return `${s.eventName ?? 'event'} by ${s.principal ?? 'unknown principal'}${s.eventTime ? ` at ${s.eventTime}` : ''}`;
    case 'resource':
      return s.address ?? s.arn ?? `${s.resourceType} ${s.resourceId}`;
    case 'account':
      return `account ${s.account ?? 'unknown'}${s.region ? ` (${s.region})` : ''}`;
    case 'log-file':
    case 'digest-file':
      return `${s.kind} ${s.key}`;
  }
}

/**
 * An absolute path inside `dir`, relative to it with forward slashes (how SARIF and the Markdown
 * links name a repository file); undefined for a relative path or one outside `dir`.
 */
export function pathInside(path: string, dir: string): string | undefined {
  if (!isAbsolute(path)) return undefined;
  const rel = relative(dir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

/** `path:line`, or `path#pointer`, or `path [record N]`: where a person finds the subject. */
export function locationLabel(src: SourceRef): string {
  if (src.line !== undefined) return `${src.path}:${src.line}`;
  if (src.pointer) return `${src.path}#${src.pointer}`;
  if (src.index !== undefined) return `${src.path} [record ${src.index}]`;
  return src.path;
}

/** Worst first, then by rule and id, so every report lists findings in the same order. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId) || a.id.localeCompare(b.id);
}

/** compareFindings as a sort key, so a spool can order findings without parsing them. */
export type FindingKey = [severity: number, ruleId: string, id: string];

export function findingKey(f: Finding): FindingKey {
  return [-severityRank(f.severity), f.ruleId, f.id];
}

export function compareFindingKeys(a: FindingKey, b: FindingKey): number {
  return a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]);
}

/**
 * A spool to put findings in another order without holding them (it spills past the report's
 * memory limit); release() when done (what spilled is removed then, or at exit).
 */
export function findingSpool<K>(keyOf: (f: Finding) => K, compare: (a: K, b: K) => number, ctx: Pick<ReportContext, 'memoryLimit'>): SortedSpool<Finding, K> {
  return new SortedSpool<Finding, K>(keyOf, compare, { limit: ctx.memoryLimit });
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

/** Fields of a subject worth showing, as label/value pairs in display order (values untrusted). */
export function subjectFields(s: Subject): [string, string][] {
  const out: [string, string | null | undefined][] = [];
  switch (s.kind) {
    case 'event':
      out.push(['event', s.eventName], ['source', s.eventSource], ['time', s.eventTime], ['principal', s.principal], ['source IP', s.sourceIp], ['event id', s.eventId]);
      break;
    case 'resource':
      out.push(['type', s.resourceType], ['address', s.address], ['construct', s.constructPath], ['id', s.resourceId], ['name', s.resourceName], ['ARN', s.arn], ['stack', s.stack]);
      break;
    case 'account':
      out.push(['stack', s.stack]);
      break;
    case 'log-file':
    case 'digest-file':
      out.push(['key', s.key]);
      break;
  }
  out.push(['account', s.account], ['region', s.region], ['file', locationLabel(s.source)]);
  return out.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0);
}
