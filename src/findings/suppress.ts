import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Finding, FindingsView, Subject } from '../model/finding';
import { mapFindings } from './list';
import { explainErrors, schemaValidator } from '../util/schema';
import { summarize } from './summary';
import { pointerEscape } from '../util/json-pointer';

/** One waiver as loaded, from a suppression file or from construct metadata in cdk.tf.json. */
export interface Suppression {
  /** Where it was written: `file:line#/suppressions/3`, or the cdk.tf.json resource pointer. */
  source: string;
  rule?: string;
  control?: string;
  finding?: string;
  resource?: string;
  account?: string;
  region?: string;
  /** Construct suppressions apply to exactly one Terraform resource: its address in that file (or stack). */
  scope?: { address: string; stack: string | null; path?: string };
  reason: string;
  owner: string;
  /** YYYY-MM-DD: the last day (UTC) the waiver applies. */
  expires: string;
}

export interface SuppressionProblem {
  path: string;
  line?: number;
  pointer: string;
  message: string;
}

export interface LoadedSuppressions {
  suppressions: Suppression[];
  /** Entries that failed validation; the rest still load. */
  errors: SuppressionProblem[];
}

type Entry = Omit<Suppression, 'source' | 'scope'>;

function validateDocument(data: unknown): { pointer: string; message: string }[] {
  const validate = schemaValidator('suppressions.schema.json');
  if (validate(data)) return [];
  return explainErrors(validate.errors);
}

function problemMessage(p: SuppressionProblem): string {
  return `${p.path}${p.line ? `:${p.line}` : ''}${p.pointer ? ` at ${p.pointer}` : ''}: ${p.message}`;
}

export class SuppressionFileError extends Error {
  constructor(readonly problems: SuppressionProblem[]) {
    super(problems.map(problemMessage).join('\n'));
    this.name = 'SuppressionFileError';
  }
}

export function formatSuppressionProblem(p: SuppressionProblem): string {
  return problemMessage(p);
}

/**
 * Load a suppression file (YAML, or JSON, which is YAML too). Entries are validated one by one:
 * a bad entry is reported with its line and JSON pointer and left out, the others apply (a bad
 * waiver can only make the scan stricter). A file that is not a suppression document at all
 * throws.
 */
export function loadSuppressions(path: string): LoadedSuppressions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SuppressionFileError([{ path, pointer: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  // yaml (72 modules) only when a suppression file is given: every scan loads this module.
  const { LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SuppressionFileError(
      doc.errors.map((e) => ({ path, line: lines.linePos(e.pos[0]).line, pointer: '', message: e.message.split('\n')[0] })),
    );
  }
  const data = doc.toJS() as unknown;
  const lineOf = (pointer: string): number | undefined => {
    const keys = pointer
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    for (let n = keys.length; n >= 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const problems = validateDocument(data).map((p) => ({ path, line: lineOf(p.pointer), pointer: p.pointer, message: p.message }));
  const badEntries = new Set<number>();
  const fatal: SuppressionProblem[] = [];
  for (const p of problems) {
    const m = /^\/suppressions\/(\d+)/.exec(p.pointer);
    if (m) badEntries.add(Number(m[1]));
    else fatal.push(p);
  }
  if (fatal.length > 0) throw new SuppressionFileError(fatal);
  const entries = (data as { suppressions: Entry[] }).suppressions;
  const suppressions: Suppression[] = [];
  entries.forEach((e, i) => {
    if (badEntries.has(i)) return;
    const line = lineOf(`/suppressions/${i}`);
    suppressions.push({ ...e, source: `${path}${line ? `:${line}` : ''}#/suppressions/${i}` });
  });
  return { suppressions, errors: problems.filter((p) => /^\/suppressions\/\d+/.test(p.pointer)) };
}

// ------------------------------------------------------------------------------ construct metadata

/**
 * Key under a Terraform resource's `//` metadata in cdk.tf.json. cdktf keeps `//` through synth
 * (it holds the construct path), so a waiver attached there travels with the resource it names.
 */
const CONSTRUCT_METADATA_KEY = 'trailproof';

export interface ConstructWaiver {
  rule?: string;
  control?: string;
  reason: string;
  owner: string;
  expires: string;
}

/**
 * Attach waivers to a cdktf resource in code. Structural type instead of importing cdktf: any
 * TerraformResource has `addOverride`, and only stacks/ imports cdktf.
 */
export function waiveInCode(resource: { addOverride(path: string, value: unknown): void }, waivers: ConstructWaiver[]): void {
  resource.addOverride(`//.${CONSTRUCT_METADATA_KEY}.suppressions`, waivers);
}

/**
 * Read construct waivers out of a synthesized cdk.tf.json. Each applies only to its own resource
 * (Terraform address, and the stack when given). Invalid waivers are reported, not applied.
 */
export function constructSuppressions(tfJson: unknown, path: string, stack: string | null = null): LoadedSuppressions {
  const suppressions: Suppression[] = [];
  const errors: SuppressionProblem[] = [];
  const resources = (tfJson as { resource?: Record<string, Record<string, Record<string, unknown>>> })?.resource;
  if (!resources || typeof resources !== 'object') return { suppressions, errors };
  for (const [type, byName] of Object.entries(resources)) {
    if (!byName || typeof byName !== 'object') continue;
    for (const [name, body] of Object.entries(byName)) {
      const meta = (body?.['//'] as Record<string, unknown> | undefined)?.[CONSTRUCT_METADATA_KEY] as { suppressions?: unknown } | undefined;
      if (meta === undefined) continue;
      const base = `/resource/${pointerEscape(type)}/${pointerEscape(name)}/~1~1/${CONSTRUCT_METADATA_KEY}/suppressions`;
      const list = meta?.suppressions;
      if (!Array.isArray(list)) {
        errors.push({ path, pointer: base, message: 'must be an array of waivers' });
        continue;
      }
      list.forEach((w, i) => {
        const scoped = w && typeof w === 'object' && ('resource' in w || 'account' in w || 'region' in w);
        const problems = scoped
          ? [{ pointer: '', message: 'a construct waiver applies to its own resource: resource/account/region are not allowed' }]
          : validateDocument({ version: 1, suppressions: [w] }).map((p) => ({ ...p, pointer: p.pointer.replace(/^\/suppressions\/0/, '') }));
        if (problems.length > 0) {
          for (const p of problems) errors.push({ path, pointer: `${base}/${i}${p.pointer}`, message: p.message });
          return;
        }
        suppressions.push({ ...(w as Entry), source: `${path}#${base}/${i}`, scope: { address: `${type}.${name}`, stack, path } });
      });
    }
  }
  return { suppressions, errors };
}

/**
 * Construct waivers of every synthesized Terraform JSON file the scan read (inputs of kind
 * `terraform-json`). Reading the files again is the suppression source's job, as a suppression file
 * is; the findings themselves never carry the metadata.
 */
export function constructSuppressionsFromInputs(doc: Pick<FindingsView, 'inputs'>): LoadedSuppressions {
  const out: LoadedSuppressions = { suppressions: [], errors: [] };
  for (const input of doc.inputs) {
    if (input.kind !== 'terraform-json' || input.status !== 'processed') continue;
    let tf: unknown;
    try {
      tf = JSON.parse(readFileSync(input.path, 'utf8'));
    } catch (err) {
      out.errors.push({ path: input.path, pointer: '', message: `cannot read construct waivers: ${(err as Error).message}` });
      continue;
    }
    const meta = (tf as { '//'?: { metadata?: { stackName?: unknown } } })?.['//']?.metadata;
    const stack = typeof meta?.stackName === 'string' ? meta.stackName : basename(input.path) === 'cdk.tf.json' ? basename(dirname(input.path)) : null;
    const r = constructSuppressions(tf, input.path, stack);
    out.suppressions.push(...r.suppressions);
    out.errors.push(...r.errors);
  }
  return out;
}

// -------------------------------------------------------------------------------------- matching

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

const compiled = new Map<string, RegExp>();
function globMatch(glob: string, value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  let re = compiled.get(glob);
  if (!re) compiled.set(glob, (re = globToRegExp(glob)));
  return re.test(value);
}

/** The names a `resource` pattern is tried against, per subject kind. */
function subjectNames(s: Subject): string[] {
  const names: (string | null | undefined)[] = [];
  switch (s.kind) {
    case 'resource':
      names.push(s.arn, s.address, s.resourceId, s.resourceName, s.constructPath);
      break;
    case 'event':
      names.push(s.principal, s.eventId);
      break;
    case 'account':
      names.push(s.account);
      break;
    case 'log-file':
    case 'digest-file':
      names.push(s.key);
      break;
  }
  return names.filter((n): n is string => typeof n === 'string' && n.length > 0);
}

function suppressionMatches(s: Suppression, f: Finding): boolean {
  if (s.finding && s.finding !== f.id) return false;
  if (s.rule && !globMatch(s.rule, f.ruleId)) return false;
  if (s.control && !f.controls.some((c) => globMatch(s.control!, c))) return false;
  const subj = f.subject;
  if (s.scope) {
    if (subj.kind !== 'resource' || subj.address !== s.scope.address) return false;
    const sameFile = s.scope.path !== undefined && subj.source.path === s.scope.path;
    if (!sameFile && s.scope.stack !== null && subj.stack !== s.scope.stack) return false;
  }
  if (s.resource && !subjectNames(subj).some((n) => globMatch(s.resource!, n))) return false;
  if (s.account && !globMatch(s.account, subj.account)) return false;
  if (s.region && !globMatch(s.region, subj.region)) return false;
  return true;
}

/** The expiry date is inclusive: a waiver expiring 2026-12-31 still applies all that UTC day. */
export function isExpired(s: Suppression, now: Date): boolean {
  const end = Date.parse(`${s.expires}T00:00:00Z`) + 24 * 3600 * 1000;
  return !(now.getTime() < end);
}

/**
 * Mute the failing findings a live waiver matches. A muted finding keeps everything it had and
 * gains the waiver's reason, owner and expiry. A finding matched only by expired waivers stays
 * `fail` and carries the expired waiver (`expired: true`) so the report can say it lapsed.
 * The findings are changed as they are read (one pass here for the counts), never copied.
 */
export function applySuppressions(doc: FindingsView, suppressions: readonly Suppression[], now: Date): FindingsView {
  const waive = (f: Finding, count?: (s: Suppression) => void): Finding => {
    if (f.status !== 'fail') return f;
    const hits = suppressions.filter((s) => suppressionMatches(s, f));
    if (count) for (const s of hits) count(s);
    const live = hits.find((s) => !isExpired(s, now));
    if (live) {
      return { ...f, status: 'muted', suppression: { reason: live.reason, owner: live.owner, expires: live.expires, source: live.source } };
    }
    const lapsed = hits[0];
    if (lapsed) {
      return { ...f, suppression: { reason: lapsed.reason, owner: lapsed.owner, expires: lapsed.expires, source: lapsed.source, expired: true } };
    }
    return f;
  };
  const matched = new Map<Suppression, number>();
  const count = (s: Suppression) => matched.set(s, (matched.get(s) ?? 0) + 1);
  const findings = mapFindings(doc.findings, (f) => waive(f));
  const summary = summarize(
    mapFindings(doc.findings, (f) => waive(f, count)),
    doc.summary.events,
    doc.summary.duplicateEventsIgnored,
  );
  const sources = [...new Set(suppressions.map((s) => s.source.replace(/(:\d+)?#.*$/, '')))];
  return {
    ...doc,
    findings,
    summary,
    suppressions: {
      sources,
      entries: suppressions.length,
      muted: summary.byStatus.muted ?? 0,
      expired: suppressions
        .filter((s) => isExpired(s, now))
        .map((s) => ({ source: s.source, reason: s.reason, owner: s.owner, expires: s.expires, matched: matched.get(s) ?? 0 })),
      unused: suppressions.filter((s) => !matched.has(s) && !isExpired(s, now)).map((s) => ({ source: s.source, reason: s.reason, owner: s.owner })),
    },
  };
}
