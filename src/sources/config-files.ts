import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isGzip } from '../util/gzip';
import type { SourceRef } from '../model/finding';
import type { InputKind, InputRecord } from '../model/input';
import { type Context, type ModelPart, type Resource, type SourceKind, emptyPart, resourceKey } from '../model/resource';
import { jsonPointerLines } from '../util/json-pointer';
import { isObj } from '../util/values';
import { describeJsonError } from '../util/json-position';
import type { ConfigItem } from '../model/resource';
import { mapConfigItem, readConfigItem } from './config-items';
import { sha256Hex } from '../util/hash';

/** Every .json / .json.gz under a path (AWSLogs/<acct>/Config/... trees included), or the file itself. */
function discoverConfig(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.json(\.gz)?$/i.test(name)) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** Where the items sit in a document, by shape; null when the document is not Config output. */
function locateItems(doc: unknown): { kind: InputKind; items: unknown[]; base: string } | null {
  if (Array.isArray(doc)) return { kind: 'config-items', items: doc, base: '' };
  if (!isObj(doc)) return null;
  if (Array.isArray(doc.configurationItems)) {
    return { kind: 'configSnapshotId' in doc || 'fileVersion' in doc ? 'config-snapshot' : 'config-items', items: doc.configurationItems, base: '/configurationItems' };
  }
  if (Array.isArray(doc.baseConfigurationItems)) return { kind: 'config-items', items: doc.baseConfigurationItems, base: '/baseConfigurationItems' };
  if (Array.isArray(doc.Results)) return { kind: 'config-items', items: doc.Results, base: '/Results' };
  if (typeof doc.resourceType === 'string') return { kind: 'config-items', items: [doc], base: '' };
  // Config rule invocation events carry the item under configurationItem
  if (isObj(doc.configurationItem)) return { kind: 'config-items', items: [doc.configurationItem], base: '/configurationItem' };
  return null;
}

export function configContextKey(kind: SourceKind, account: string | null, aggregator?: string): string {
  return `${kind}:${aggregator ? `${aggregator}/` : ''}${account ?? 'unknown-account'}`;
}

/** Build a model resource from a configuration item; shared by snapshot files and live Config queries. */
export function configItemResource(item: ConfigItem, kind: SourceKind, source: SourceRef, aggregator?: string): Resource | null {
  const mapped = mapConfigItem(item);
  if (!mapped) return null;
  const context = configContextKey(kind, item.account, aggregator);
  return {
    key: resourceKey(context, mapped.type, mapped.arn ?? `${item.region ?? ''}/${mapped.id ?? item.resourceId}`),
    type: mapped.type,
    id: mapped.id ?? item.resourceId,
    name: mapped.name,
    arn: mapped.arn,
    account: item.account,
    region: item.region,
    context,
    stack: aggregator ?? null,
    properties: mapped.properties,
    refs: mapped.refs,
    relations: {},
    origin: { kind, source },
  };
}

/** Contexts for the accounts the resources belong to, with the regions seen for each. */
export function contextsFor(resources: readonly Resource[], kind: SourceKind, source: SourceRef, extraRegions: readonly string[] = []): Context[] {
  const byKey = new Map<string, Context>();
  for (const r of resources) {
    let c = byKey.get(r.context);
    if (!c) {
      c = { key: r.context, kind, stack: r.stack, account: r.account, regions: [...extraRegions], source };
      byKey.set(r.context, c);
    }
    if (r.region && !c.regions.includes(r.region)) c.regions.push(r.region);
  }
  for (const c of byKey.values()) c.regions.sort();
  return [...byKey.values()];
}

function decode(buf: Buffer, file: string): string {
  if (isGzip(buf) || /\.gz$/i.test(file)) return gunzipSync(buf).toString('utf8');
  return buf.toString('utf8');
}

/** Read AWS Config snapshot files and item lists. Each file is accounted for in `inputs`. */
export function readConfigFiles(paths: readonly string[]): ModelPart {
  const part = emptyPart();
  for (const given of paths) {
    let files: string[];
    try {
      files = discoverConfig(given);
    } catch (e) {
      part.inputs.push({ path: given, kind: 'config-items', status: 'error', records: 0, sha256: null, reason: `cannot read: ${(e as Error).message}` });
      continue;
    }
    if (files.length === 0) part.inputs.push({ path: given, kind: 'config-items', status: 'skipped', records: 0, sha256: null, reason: 'no .json or .json.gz files found' });
    for (const f of files) part.inputs.push(readOne(f, part));
  }
  const seen = new Set(part.contexts.map((c) => c.key));
  for (const c of contextsFor(part.resources, 'config', { path: paths[0] ?? '' })) if (!seen.has(c.key)) part.contexts.push(c);
  return part;
}

function readOne(file: string, part: ModelPart): InputRecord {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    return { path: file, kind: 'config-items', status: 'error', records: 0, sha256: null, reason: `cannot read: ${(e as Error).message}` };
  }
  const base = { path: file, sha256: sha256Hex(buf), bytes: buf.length };
  let text: string;
  try {
    text = decode(buf, file);
  } catch (e) {
    return { ...base, kind: 'config-items', status: 'error', records: 0, reason: `cannot gunzip: ${(e as Error).message}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ...base, kind: 'config-items', status: 'error', records: 0, reason: `invalid JSON: ${describeJsonError(e, text).message}` };
  }
  const located = locateItems(doc);
  if (!located) {
    return { ...base, kind: 'config-items', status: 'error', records: 0, reason: 'not AWS Config output: expected a snapshot {"configurationItems":[...]}, a list of configuration items, or one item' };
  }
  const lines = jsonPointerLines(text, located.base === '' ? 1 : 2);
  const skipped = new Map<string, { count: number; first: string }>();
  const skip = (reason: string, where: string) => {
    const s = skipped.get(reason);
    if (s) s.count++;
    else skipped.set(reason, { count: 1, first: where });
  };
  let records = 0;
  located.items.forEach((raw, i) => {
    const pointer = located.base === '' && located.items.length === 1 && !Array.isArray(doc) ? '' : `${located.base}/${i}`;
    const parsed = readConfigItem(typeof raw === 'string' ? safeParse(raw) : raw);
    if ('skip' in parsed) return skip(parsed.skip, pointer || '/');
    const line = lines.get(pointer);
    const res = configItemResource(parsed.item, 'config', line === undefined ? { path: file, pointer } : { path: file, pointer, line });
    if (!res) return skip('resource type not used by posture rules', parsed.item.resourceType);
    part.resources.push(res);
    records++;
  });
  const record: InputRecord = { ...base, kind: located.kind, status: 'processed', records };
  if (skipped.size > 0) record.skippedRecords = [...skipped].map(([reason, s]) => ({ count: s.count, reason, first: s.first }));
  return record;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
