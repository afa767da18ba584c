import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { InputRecord } from '../model/input';
import { type Context, type ModelPart, type Resource, emptyPart, resourceKey } from '../model/resource';
import { jsonPointerLines, pointerEscape } from '../util/json-pointer';
import { type Obj, asArray, isExpression, isObj, str } from '../util/values';
import { describeJsonError } from '../util/json-position';
import { evaluateJsonencode } from './hcl-literal';
import { terraformIdAttribute, terraformModule } from '../resources/registry';
import { renderPolicyDocument } from './terraform-policy-document';
import { sha256Hex as sha256 } from '../util/hash';

/** One Terraform resource as read, before mapping: enough to point a person at its definition. */
interface TfResource {
  tfType: string;
  address: string;
  values: Obj;
  pointer: string;
  /** The file that defines it: a module's resources come from every *.tf.json of its folder. */
  file: string;
  constructPath?: string;
  providerKey?: string;
}

/** A block the reader could not take as a resource: reported on the file's input record. */
interface Unreadable {
  file: string;
  pointer: string;
  reason: string;
}

interface TfDocument {
  stack: string;
  kind: 'terraform-json' | 'terraform-plan';
  resources: TfResource[];
  /** data sources, by address (`data.aws_iam_policy_document.x`) */
  data: Map<string, { tfType: string; values: Obj }>;
  /** provider alias key (`aws`, `aws.west`) -> region */
  regions: Map<string, string>;
  account: string | null;
  unreadable: Unreadable[];
  /** The stack name came from cdktf (its metadata, or the cdk.tf.json layout), not from a file name. */
  cdktfNamed?: boolean;
}

/** Every Terraform JSON file a path names: a file, a cdktf.out directory (its manifest), or a tree. */
function discoverTerraform(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  const manifest = join(path, 'manifest.json');
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as { stacks?: Record<string, { synthesizedStackPath?: string }> };
      const files = Object.values(m.stacks ?? {})
        .map((s) => s.synthesizedStackPath)
        .filter((p): p is string => typeof p === 'string')
        .map((p) => join(path, p));
      if (files.length > 0) return files.sort();
    } catch {
      // fall through to walking the tree; the stack files themselves will report problems
    }
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.tf.json')) out.push(p);
    }
  };
  walk(path);
  return out;
}

function cdktfStackName(doc: Obj, file: string): string {
  const meta = isObj(doc['//']) && isObj(doc['//'].metadata) ? doc['//'].metadata : undefined;
  const fromMeta = meta ? str(meta.stackName) : null;
  if (fromMeta) return fromMeta;
  if (basename(file) === 'cdk.tf.json') return basename(dirname(file));
  return basename(file).replace(/\.tf\.json$|\.json$/, '');
}

function providerRegions(providers: unknown): Map<string, string> {
  const regions = new Map<string, string>();
  const aws = isObj(providers) ? providers.aws : undefined;
  for (const p of asArray(aws)) {
    if (!isObj(p)) continue;
    const region = str(p.region);
    if (region) regions.set(str(p.alias) ? `aws.${p.alias}` : 'aws', region);
  }
  return regions;
}

/**
 * The objects of one HCL JSON block level. The JSON syntax lets each level (block type, each label,
 * the body) be an object or an array of objects; cdktf writes objects, hcl2json and other
 * generators write arrays. null when the value is neither.
 */
function levelObjects(v: unknown): Obj[] | null {
  if (isObj(v)) return [v];
  if (Array.isArray(v) && v.every(isObj)) return v;
  return null;
}

/** Visit every labelled block `<kind>.<type>.<name>` with its body and JSON pointer. */
function labelledBlocks(
  doc: Obj,
  kind: 'resource' | 'data',
  file: string,
  unreadable: Unreadable[],
  visit: (tfType: string, name: string, body: Obj, pointer: string) => void,
): void {
  if (doc[kind] === undefined) return;
  const bad = (pointer: string, reason: string) => unreadable.push({ file, pointer, reason });
  const tops = levelObjects(doc[kind]);
  if (!tops) {
    bad(`/${kind}`, `"${kind}" is neither an object nor an array of objects`);
    return;
  }
  tops.forEach((top, ti) => {
    const topPtr = Array.isArray(doc[kind]) ? `/${kind}/${ti}` : `/${kind}`;
    for (const [tfType, byName] of Object.entries(top)) {
      const typePtr = `${topPtr}/${pointerEscape(tfType)}`;
      const groups = levelObjects(byName);
      if (!groups) {
        bad(typePtr, `${kind} type ${tfType}: neither an object nor an array of objects`);
        continue;
      }
      groups.forEach((g, gi) => {
        const groupPtr = Array.isArray(byName) ? `${typePtr}/${gi}` : typePtr;
        for (const [name, body] of Object.entries(g)) {
          const namePtr = `${groupPtr}/${pointerEscape(name)}`;
          if (isObj(body)) visit(tfType, name, body, namePtr);
          else if (Array.isArray(body) && body.length === 1 && isObj(body[0])) visit(tfType, name, body[0], `${namePtr}/0`);
          else if (Array.isArray(body) && body.length > 1 && body.every(isObj)) bad(namePtr, `${tfType}.${name}: ${body.length} bodies for one block (Terraform rejects the duplicate)`);
          else bad(namePtr, `${tfType}.${name}: the body is not an object`);
        }
      });
    }
  });
}

function parseCdktf(doc: Obj, file: string): TfDocument {
  const resources: TfResource[] = [];
  const data = new Map<string, { tfType: string; values: Obj }>();
  const unreadable: Unreadable[] = [];
  labelledBlocks(doc, 'resource', file, unreadable, (tfType, name, values, pointer) => {
    const meta = isObj(values['//']) && isObj(values['//'].metadata) ? values['//'].metadata : undefined;
    resources.push({
      tfType,
      address: `${tfType}.${name}`,
      values,
      pointer,
      file,
      constructPath: meta ? (str(meta.path) ?? undefined) : undefined,
      providerKey: str(values.provider) ?? undefined,
    });
  });
  labelledBlocks(doc, 'data', file, unreadable, (tfType, name, values) => data.set(`data.${tfType}.${name}`, { tfType, values }));
  const providerBlocks = levelObjects(doc.provider) ?? [];
  const aws = providerBlocks.flatMap((p) => asArray(p.aws));
  const providers = providerRegions({ aws });
  let account: string | null = null;
  for (const p of aws) if (isObj(p) && Array.isArray(p.allowed_account_ids)) account = str(p.allowed_account_ids[0]) ?? account;
  const cdktfNamed = (isObj(doc['//']) && isObj(doc['//'].metadata) && str(doc['//'].metadata.stackName) !== null) || basename(file) === 'cdk.tf.json';
  return { stack: cdktfStackName(doc, file), kind: 'terraform-json', resources, data, regions: providers, account, unreadable, cdktfNamed };
}

interface PlanModule {
  resources?: Obj[];
  child_modules?: PlanModule[];
}

/** Expressions of a plan's configuration give the references Terraform cannot know before apply. */
function configExpressions(doc: Obj): Map<string, Obj> {
  const out = new Map<string, Obj>();
  const visit = (mod: unknown, prefix: string) => {
    if (!isObj(mod)) return;
    for (const r of asArray(mod.resources)) {
      if (isObj(r) && typeof r.address === 'string' && isObj(r.expressions)) out.set(prefix + r.address, r.expressions);
    }
    if (isObj(mod.module_calls)) {
      for (const [name, call] of Object.entries(mod.module_calls)) if (isObj(call)) visit(call.module, `${prefix}module.${name}.`);
    }
  };
  visit(isObj(doc.configuration) ? doc.configuration.root_module : undefined, '');
  return out;
}

function referenceOf(expr: unknown): string | undefined {
  if (!isObj(expr) || !Array.isArray(expr.references)) return undefined;
  const ref = expr.references.find((r): r is string => typeof r === 'string');
  return ref ? `\${${ref}}` : undefined;
}

/** Fill attributes that are unknown until apply with the reference the configuration wrote. */
function fillFromExpressions(values: Obj, expressions: Obj): Obj {
  const out: Obj = { ...values };
  for (const [attr, expr] of Object.entries(expressions)) {
    if (out[attr] !== undefined && out[attr] !== null) {
      if (Array.isArray(out[attr]) && Array.isArray(expr)) {
        out[attr] = (out[attr] as unknown[]).map((item, i) => (isObj(item) && isObj(expr[i]) ? fillFromExpressions(item, expr[i] as Obj) : item));
      }
      continue;
    }
    const ref = referenceOf(expr);
    if (ref) out[attr] = ref;
    else if (Array.isArray(expr) && expr.every(isObj)) {
      const filled = expr.map((e) => fillFromExpressions({}, e as Obj));
      if (filled.some((f) => Object.keys(f).length > 0)) out[attr] = filled;
    } else if (Array.isArray(expr) && expr.some((e) => referenceOf(e))) {
      out[attr] = expr.map((e) => referenceOf(e)).filter(Boolean);
    }
  }
  return out;
}

function parsePlan(doc: Obj, file: string): TfDocument {
  const resources: TfResource[] = [];
  const data = new Map<string, { tfType: string; values: Obj }>();
  const expressions = configExpressions(doc);
  const rootKey = isObj(doc.planned_values) ? 'planned_values' : 'values';
  const root = isObj(doc[rootKey]) ? (doc[rootKey] as Obj).root_module : undefined;
  const visit = (mod: PlanModule | undefined, pointer: string) => {
    if (!mod) return;
    asArray(mod.resources).forEach((r, i) => {
      if (!isObj(r) || typeof r.type !== 'string' || typeof r.address !== 'string') return;
      const plainAddress = r.address.replace(/\[[^\]]*\]/g, '');
      const values = isObj(r.values) ? r.values : {};
      const expr = expressions.get(plainAddress);
      const filled = expr ? fillFromExpressions(values, expr) : values;
      if (r.mode === 'data') {
        data.set(plainAddress.startsWith('data.') ? plainAddress : `data.${r.type}.${r.name}`, { tfType: r.type, values: filled });
        return;
      }
      resources.push({ tfType: r.type, address: r.address, values: filled, pointer: `${pointer}/resources/${i}`, file });
    });
    asArray(mod.child_modules).forEach((c, i) => visit(c as PlanModule, `${pointer}/child_modules/${i}`));
  };
  visit(root as PlanModule | undefined, `/${rootKey}/root_module`);
  const regions = new Map<string, string>();
  const pc = isObj(doc.configuration) && isObj(doc.configuration.provider_config) ? doc.configuration.provider_config : {};
  for (const [key, p] of Object.entries(pc)) {
    const region = isObj(p) && isObj(p.expressions) && isObj(p.expressions.region) ? str(p.expressions.region.constant_value) : null;
    if (region) regions.set(key, region);
  }
  return { stack: basename(file).replace(/\.json$/, ''), kind: 'terraform-plan', resources, data, regions, account: null, unreadable: [] };
}

const SIMPLE_REF = /^\$\{([A-Za-z0-9_.\-[\]]+)\}$/;

function lookupPath(values: unknown, path: string[]): unknown {
  let cur = values;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      // cdktf writes single nested blocks as objects; `[0]` on an object means the object itself
      cur = /^[0-9]+$/.test(seg) ? cur[Number(seg)] : undefined;
    } else if (isObj(cur)) {
      cur = /^[0-9]+$/.test(seg) && seg === '0' && !(seg in cur) ? cur : cur[seg];
    } else return undefined;
  }
  return cur;
}

/**
 * Replace `${type.name.attr}` with the literal it names when the configuration states it (a log
 * group's name, a filter's metric name), so a rule sees a value, not an expression. Only a literal
 * replaces a reference: when the attribute is itself an expression (`bucket = "${var.name}"`) the
 * reference stays, and relations follow it to the resource by address. References to attributes
 * known only after apply (ARNs, ids) stay expressions and are resolved as relations.
 * `${jsonencode(<literal>)}` is evaluated to the JSON Terraform would render.
 */
function resolveLiterals(doc: TfDocument): void {
  const byAddress = new Map<string, { tfType: string; values: Obj }>();
  for (const r of doc.resources) byAddress.set(r.address, r);
  for (const [addr, d] of doc.data) {
    if (d.tfType === 'aws_iam_policy_document') d.values = { ...d.values, json: JSON.stringify(renderPolicyDocument(d.values)) };
    byAddress.set(addr, d);
  }
  const resolveString = (s: string): unknown => {
    const encoded = evaluateJsonencode(s);
    if (encoded && 'value' in encoded) return encoded.value;
    const m = SIMPLE_REF.exec(s);
    if (!m) return s;
    const parts = m[1].replace(/\[(\d+)\]/g, '.$1').split('.');
    const isData = parts[0] === 'data';
    const addrLen = isData ? 3 : 2;
    const target = byAddress.get(parts.slice(0, addrLen).join('.'));
    if (!target) return s;
    let path = parts.slice(addrLen);
    const idAttribute = terraformIdAttribute(target.tfType);
    if (path.length === 1 && path[0] === 'id' && idAttribute) path = [idAttribute];
    const v = lookupPath(target.values, path);
    // A rendered policy document keeps its inner references; any other expression stays the
    // reference, so relations still find the resource by address.
    if (typeof v === 'string') return !isExpression(v) || /^\s*[[{]/.test(v) ? v : s;
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    return s;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('${') ? resolveString(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (isObj(v)) {
      const out: Obj = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === '//' ? x : walk(x);
      return out;
    }
    return v;
  };
  // References chain (alarm -> filter -> log group); a few passes settle every chain we model.
  for (let pass = 0; pass < 3; pass++) {
    for (const r of doc.resources) r.values = walk(r.values) as Obj;
  }
}

/** `${aws_x.y.attr}`, `${data.t.n.attr}`, `${module.m.out}`: a reference relations can follow. */
const REFERENCE = /^(data\.|module\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_*-]+|\[[^\]]*\])*$/;

/**
 * Expressions in a resource that Terraform resolves only at plan or apply (variables, locals,
 * function calls, jsonencode of non-literals), as `attribute = expression`: the reason a property
 * read from them is unknown.
 */
function unresolvedExpressions(values: Obj): string[] {
  const out: string[] = [];
  const visit = (v: unknown, path: string) => {
    if (out.length >= 5) return;
    if (typeof v === 'string') {
      if (!v.includes('${')) return;
      const encoded = evaluateJsonencode(v);
      if (encoded && 'unresolved' in encoded) {
        out.push(`${path}: ${encoded.unresolved}`);
        return;
      }
      for (const m of v.matchAll(/\$\{([^}]*)\}/g)) {
        const inner = m[1].trim();
        if (!REFERENCE.test(inner) || /^(var|local|each|count|path|terraform)\./.test(inner)) {
          out.push(`${path} = ${v.length > 120 ? `${v.slice(0, 117)}...` : v}`);
          return;
        }
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}[${i}]`));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) if (k !== '//') visit(x, path ? `${path}.${k}` : k);
  };
  visit(values, '');
  return out;
}

interface ParsedFile {
  file: string;
  text: string;
  doc: TfDocument;
}

/** The resources of one Terraform module (one folder's *.tf.json, or one plan) as model resources. */
function toModel(doc: TfDocument, files: ParsedFile[]): { resources: Resource[]; context: Context; perFile: Map<string, { records: number; skipped: Map<string, number> }> } {
  resolveLiterals(doc);
  const context = `tf:${doc.stack}`;
  const lines = new Map(files.map((f) => [f.file, jsonPointerLines(f.text, doc.kind === 'terraform-json' ? 6 : 8)]));
  const perFile = new Map(files.map((f) => [f.file, { records: 0, skipped: new Map<string, number>() }]));
  const defaultRegion = doc.regions.get('aws') ?? [...doc.regions.values()][0] ?? null;
  const resources: Resource[] = [];
  for (const r of doc.resources) {
    const tally = perFile.get(r.file) as { records: number; skipped: Map<string, number> };
    const mapped = terraformModule(r.tfType)?.terraform?.map(r.values, r.tfType);
    if (!mapped) {
      tally.skipped.set(r.tfType, (tally.skipped.get(r.tfType) ?? 0) + 1);
      continue;
    }
    tally.records++;
    // AWS provider 6.x: a resource's own `region` argument wins over its provider's region.
    const region = str(r.values.region) ?? ((r.providerKey && doc.regions.get(r.providerKey.replace(/^\$\{|\}$/g, ''))) || defaultRegion);
    const line = lines.get(r.file)?.get(r.pointer);
    const unresolved = unresolvedExpressions(r.values);
    resources.push({
      key: resourceKey(context, mapped.type, r.address),
      type: mapped.type,
      id: mapped.id ?? r.address,
      name: mapped.name,
      arn: mapped.arn,
      account: doc.account,
      region,
      context,
      stack: doc.stack,
      properties: mapped.properties,
      refs: mapped.refs,
      relations: {},
      origin: {
        kind: 'terraform',
        source: line === undefined ? { path: r.file, pointer: r.pointer } : { path: r.file, pointer: r.pointer, line },
        address: r.address,
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      },
      ...(unresolved.length > 0 ? { unresolved } : {}),
    });
  }
  const regions = [...new Set([...doc.regions.values(), ...resources.map((r) => r.region).filter((r): r is string => r !== null)])].sort();
  return {
    resources,
    context: { key: context, kind: 'terraform', stack: doc.stack, account: doc.account, regions, source: { path: files[0].file, pointer: '' } },
    perFile,
  };
}

/**
 * Read Terraform JSON (cdk.tf.json, a cdktf.out directory, a folder of *.tf.json,
 * `terraform show -json` output). A folder is one Terraform module, as Terraform reads it: all its
 * *.tf.json files make one stack; files of the same name in different folders stay apart.
 */
export function readTerraform(paths: readonly string[]): ModelPart {
  const part = emptyPart();
  for (const given of paths) {
    let files: string[];
    try {
      files = discoverTerraform(given);
    } catch (e) {
      part.inputs.push({ path: given, kind: 'terraform-json', status: 'error', records: 0, sha256: null, reason: `cannot read: ${(e as Error).message}` });
      continue;
    }
    if (files.length === 0) {
      part.inputs.push({ path: given, kind: 'terraform-json', status: 'skipped', records: 0, sha256: null, reason: 'no *.tf.json or cdktf manifest found' });
    }
    const byFolder = new Map<string, string[]>();
    for (const f of files) byFolder.set(dirname(f), [...(byFolder.get(dirname(f)) ?? []), f]);
    const fromFolder = statSync(given).isDirectory();
    const root = fromFolder ? given : dirname(given);
    for (const [folder, inFolder] of byFolder) readModule(folder, relative(root, folder) || basename(resolve(folder)), fromFolder, inFolder, part);
  }
  return part;
}

type Parsed = { ok: ParsedFile; base: Pick<InputRecord, 'path' | 'sha256' | 'bytes'> } | { record: InputRecord };

function parseFile(file: string): Parsed {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    return { record: { path: file, kind: 'terraform-json', status: 'error', records: 0, sha256: null, reason: `cannot read: ${(e as Error).message}` } };
  }
  const text = buf.toString('utf8');
  const base: Pick<InputRecord, 'path' | 'sha256' | 'bytes'> = { path: file, sha256: sha256(buf), bytes: buf.length };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { record: { ...base, kind: 'terraform-json', status: 'error', records: 0, reason: `invalid JSON: ${describeJsonError(e, text).message}` } };
  }
  if (!isObj(doc)) return { record: { ...base, kind: 'terraform-json', status: 'error', records: 0, reason: 'not a Terraform JSON object' } };
  const isPlan = typeof doc.format_version === 'string' && (isObj(doc.planned_values) || isObj(doc.values));
  const isConfig = doc.resource !== undefined || doc.terraform !== undefined || doc.provider !== undefined || doc.data !== undefined;
  if (!isPlan && !isConfig) {
    return { record: { ...base, kind: 'terraform-json', status: 'error', records: 0, reason: 'neither Terraform JSON configuration (no "resource"/"terraform"/"provider") nor `terraform show -json` output' } };
  }
  return { ok: { file, text, doc: isPlan ? parsePlan(doc, file) : parseCdktf(doc, file) }, base };
}

/** Merge the configuration files of one folder into one module document. */
function mergeModule(folder: string, label: string, fromFolder: boolean, parsed: ParsedFile[]): TfDocument {
  const docs = parsed.map((p) => p.doc);
  const seen = new Set<string>();
  const resources: TfResource[] = [];
  const unreadable: Unreadable[] = docs.flatMap((d) => d.unreadable);
  for (const r of docs.flatMap((d) => d.resources)) {
    if (seen.has(r.address)) {
      unreadable.push({ file: r.file, pointer: r.pointer, reason: `${r.address} is declared twice in the module ${folder} (Terraform rejects the duplicate)` });
      continue;
    }
    seen.add(r.address);
    resources.push(r);
  }
  // cdktf names its stacks; a folder of hand-written files is named by the folder; a file given
  // on its own by its file name.
  const cdktf = docs.find((d) => d.cdktfNamed);
  const stack = cdktf ? cdktf.stack : fromFolder ? label || basename(folder) : docs[0].stack;
  return {
    stack,
    kind: 'terraform-json',
    resources,
    data: new Map(docs.flatMap((d) => [...d.data])),
    regions: new Map(docs.flatMap((d) => [...d.regions])),
    account: docs.find((d) => d.account)?.account ?? null,
    unreadable,
  };
}

function readModule(folder: string, label: string, fromFolder: boolean, files: string[], part: ModelPart): void {
  const records = new Map<string, InputRecord>();
  const configs: { p: ParsedFile; base: Pick<InputRecord, 'path' | 'sha256' | 'bytes'> }[] = [];
  const modules: { doc: TfDocument; files: { p: ParsedFile; base: Pick<InputRecord, 'path' | 'sha256' | 'bytes'> }[] }[] = [];
  for (const file of files) {
    const r = parseFile(file);
    if ('record' in r) records.set(file, r.record);
    // A plan is a whole configuration of its own; configuration files of a folder are one module.
    else if (r.ok.doc.kind === 'terraform-plan') modules.push({ doc: r.ok.doc, files: [{ p: r.ok, base: r.base }] });
    else configs.push({ p: r.ok, base: r.base });
  }
  if (configs.length > 0) modules.push({ doc: mergeModule(folder, label, fromFolder, configs.map((c) => c.p)), files: configs });
  for (const m of modules) {
    if (part.contexts.some((c) => c.key === `tf:${m.doc.stack}`)) m.doc.stack = `${m.doc.stack} (${folder})`;
    const { resources, context, perFile } = toModel(m.doc, m.files.map((f) => f.p));
    part.resources.push(...resources);
    part.contexts.push(context);
    for (const f of m.files) {
      const tally = perFile.get(f.p.file) as { records: number; skipped: Map<string, number> };
      const rec: InputRecord = { ...f.base, kind: m.doc.kind, status: 'processed', records: tally.records };
      const skipped: NonNullable<InputRecord['skippedRecords']> = [...tally.skipped].map(([t, count]) => ({ count, reason: 'resource type not used by posture rules', first: t }));
      const bad = m.doc.unreadable.filter((u) => u.file === f.p.file);
      for (const u of bad) skipped.push({ count: 1, reason: `not read: ${u.reason}`, first: u.pointer });
      if (skipped.length > 0) rec.skippedRecords = skipped;
      if (bad.length > 0 && tally.records === 0 && tally.skipped.size === 0) {
        // Nothing in the file could be read: that is an error, not a file with no resources.
        rec.status = 'error';
        rec.reason = `no resource could be read: ${bad.map((u) => `${u.pointer}: ${u.reason}`).join('; ')}`;
      }
      records.set(f.p.file, rec);
    }
  }
  for (const file of files) part.inputs.push(records.get(file) as InputRecord);
}
