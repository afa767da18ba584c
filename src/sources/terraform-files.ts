import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InputRecord } from '../model/input';
import { type Context, type ModelPart, type Resource, emptyPart, resourceKey } from '../posture/model';
import { jsonPointerLines, pointerEscape } from '../posture/json-lines';
import { type Obj, asArray, isObj, str } from '../posture/values';
import { describeJsonError } from '../util/json-position';
import { mapTerraformResource, renderPolicyDocument } from './terraform-resources';
import { sha256Hex as sha256 } from '../util/hash';

/** One Terraform resource as read, before mapping: enough to point a person at its definition. */
interface TfResource {
  tfType: string;
  address: string;
  values: Obj;
  pointer: string;
  constructPath?: string;
  providerKey?: string;
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
}

/** Attributes a reference to `.id` stands for, where Terraform documents the id as that attribute. */
const ID_ATTRIBUTE: Record<string, string> = {
  aws_s3_bucket: 'bucket',
  aws_cloudwatch_log_group: 'name',
  aws_cloudwatch_log_metric_filter: 'name',
  aws_cloudtrail: 'name',
  aws_iam_role: 'name',
  aws_config_configuration_recorder: 'name',
  aws_cloudwatch_metric_alarm: 'alarm_name',
  aws_kms_alias: 'name',
};

/** Every Terraform JSON file a path names: a file, a cdktf.out directory (its manifest), or a tree. */
export function discoverTerraform(path: string): string[] {
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

function parseCdktf(doc: Obj, file: string): TfDocument {
  const resources: TfResource[] = [];
  const data = new Map<string, { tfType: string; values: Obj }>();
  const res = isObj(doc.resource) ? doc.resource : {};
  for (const [tfType, byName] of Object.entries(res)) {
    if (!isObj(byName)) continue;
    for (const [name, values] of Object.entries(byName)) {
      if (!isObj(values)) continue;
      const meta = isObj(values['//']) && isObj(values['//'].metadata) ? values['//'].metadata : undefined;
      resources.push({
        tfType,
        address: `${tfType}.${name}`,
        values,
        pointer: `/resource/${pointerEscape(tfType)}/${pointerEscape(name)}`,
        constructPath: meta ? (str(meta.path) ?? undefined) : undefined,
        providerKey: str(values.provider) ?? undefined,
      });
    }
  }
  const dataBlock = isObj(doc.data) ? doc.data : {};
  for (const [tfType, byName] of Object.entries(dataBlock)) {
    if (!isObj(byName)) continue;
    for (const [name, values] of Object.entries(byName)) if (isObj(values)) data.set(`data.${tfType}.${name}`, { tfType, values });
  }
  const providers = providerRegions(doc.provider);
  let account: string | null = null;
  const aws = isObj(doc.provider) ? asArray(doc.provider.aws) : [];
  for (const p of aws) if (isObj(p) && Array.isArray(p.allowed_account_ids)) account = str(p.allowed_account_ids[0]) ?? account;
  return { stack: cdktfStackName(doc, file), kind: 'terraform-json', resources, data, regions: providers, account };
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
      resources.push({ tfType: r.type, address: r.address, values: filled, pointer: `${pointer}/resources/${i}` });
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
  return { stack: basename(file).replace(/\.json$/, ''), kind: 'terraform-plan', resources, data, regions, account: null };
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
 * group's name, a filter's metric name), so a rule sees a value, not an expression. References to
 * attributes known only after apply (ARNs, ids) stay expressions and are resolved as relations.
 */
function resolveLiterals(doc: TfDocument): void {
  const byAddress = new Map<string, { tfType: string; values: Obj }>();
  for (const r of doc.resources) byAddress.set(r.address, r);
  for (const [addr, d] of doc.data) {
    if (d.tfType === 'aws_iam_policy_document') d.values = { ...d.values, json: JSON.stringify(renderPolicyDocument(d.values)) };
    byAddress.set(addr, d);
  }
  const resolveString = (s: string): unknown => {
    const m = SIMPLE_REF.exec(s);
    if (!m) return s;
    const parts = m[1].replace(/\[(\d+)\]/g, '.$1').split('.');
    const isData = parts[0] === 'data';
    const addrLen = isData ? 3 : 2;
    const target = byAddress.get(parts.slice(0, addrLen).join('.'));
    if (!target) return s;
    let path = parts.slice(addrLen);
    if (path.length === 1 && path[0] === 'id' && ID_ATTRIBUTE[target.tfType]) path = [ID_ATTRIBUTE[target.tfType]];
    const v = lookupPath(target.values, path);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
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

function toModel(doc: TfDocument, file: string, text: string): { resources: Resource[]; context: Context; skipped: Map<string, number> } {
  resolveLiterals(doc);
  const context = `tf:${doc.stack}`;
  const lines = jsonPointerLines(text, doc.kind === 'terraform-json' ? 3 : 8);
  const defaultRegion = doc.regions.get('aws') ?? [...doc.regions.values()][0] ?? null;
  const resources: Resource[] = [];
  const skipped = new Map<string, number>();
  for (const r of doc.resources) {
    const mapped = mapTerraformResource(r.tfType, r.values);
    if (!mapped) {
      skipped.set(r.tfType, (skipped.get(r.tfType) ?? 0) + 1);
      continue;
    }
    const region = (r.providerKey && doc.regions.get(r.providerKey.replace(/^\$\{|\}$/g, ''))) || defaultRegion;
    const line = lines.get(r.pointer);
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
        source: line === undefined ? { path: file, pointer: r.pointer } : { path: file, pointer: r.pointer, line },
        address: r.address,
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      },
    });
  }
  const regions = [...new Set([...doc.regions.values()])].sort();
  return {
    resources,
    context: { key: context, kind: 'terraform', stack: doc.stack, account: doc.account, regions, source: { path: file, pointer: '' } },
    skipped,
  };
}

/** Read Terraform JSON (cdk.tf.json, a cdktf.out directory, `terraform show -json` output). */
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
    for (const file of files) part.inputs.push(readOne(file, part));
  }
  return part;
}

function readOne(file: string, part: ModelPart): InputRecord {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    return { path: file, kind: 'terraform-json', status: 'error', records: 0, sha256: null, reason: `cannot read: ${(e as Error).message}` };
  }
  const text = buf.toString('utf8');
  const base: Pick<InputRecord, 'path' | 'sha256' | 'bytes'> = { path: file, sha256: sha256(buf), bytes: buf.length };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ...base, kind: 'terraform-json', status: 'error', records: 0, reason: `invalid JSON: ${describeJsonError(e, text).message}` };
  }
  if (!isObj(doc)) return { ...base, kind: 'terraform-json', status: 'error', records: 0, reason: 'not a Terraform JSON object' };
  const isPlan = typeof doc.format_version === 'string' && (isObj(doc.planned_values) || isObj(doc.values));
  const isConfig = isObj(doc.resource) || isObj(doc.terraform) || isObj(doc.provider);
  if (!isPlan && !isConfig) {
    return { ...base, kind: 'terraform-json', status: 'error', records: 0, reason: 'neither Terraform JSON configuration (no "resource"/"terraform"/"provider") nor `terraform show -json` output' };
  }
  const tf = isPlan ? parsePlan(doc, file) : parseCdktf(doc, file);
  const { resources, context, skipped } = toModel(tf, file, text);
  part.resources.push(...resources);
  part.contexts.push(context);
  const record: InputRecord = { ...base, kind: tf.kind, status: 'processed', records: resources.length };
  if (skipped.size > 0) {
    record.skippedRecords = [...skipped].map(([t, count]) => ({ count, reason: 'resource type not used by posture rules', first: t }));
  }
  return record;
}
