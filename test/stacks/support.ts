import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StacksConfigInput } from '../../stacks/config';
import { synthesize, type SynthResult } from '../../stacks/synth';

export const FIXTURE_RULES = join(__dirname, 'fixtures', 'rules');

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** One synthesized stack, read back from the cdk.tf.json cdktf wrote. */
export class Synthesized {
  readonly tf: Json;

  constructor(
    readonly result: SynthResult,
    readonly dir: string,
  ) {
    const [name] = result.stacks;
    this.tf = JSON.parse(readFileSync(result.files[name], 'utf8'));
  }

  /** Resources of one Terraform type, by name; {} when there are none. */
  resources(type: string): Record<string, Json> {
    return (this.tf.resource?.[type] ?? {}) as Record<string, Json>;
  }

  resource(type: string, name: string): Json {
    const r = this.resources(type)[name];
    if (!r) throw new Error(`no ${type}.${name}; have ${Object.keys(this.resources(type)).join(', ') || 'none'}`);
    return r;
  }

  policy(type: string, name: string, attribute = 'policy'): Statement[] {
    return JSON.parse(this.resource(type, name)[attribute]).Statement as Statement[];
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function synth(config: StacksConfigInput): Synthesized {
  const dir = mkdtempSync(join(tmpdir(), 'trailproof-stacks-'));
  return new Synthesized(synthesize(join(dir, 'cdktf.out'), config), dir);
}

export function statement(statements: Statement[], sid: string): Statement {
  const s = statements.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}; have ${statements.map((x) => x.Sid).join(', ')}`);
  return s;
}

export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** `${aws_type.name.attr}` for a reference to another resource. */
export const ref = (type: string, name: string, attr: string) => '${' + `${type}.${name}.${attr}` + '}';

/**
 * Every `${type.name...}` / `${data.type.name...}` reference and every depends_on entry names a
 * block declared in the document: what `terraform validate` would catch first, checked without
 * Terraform or a provider download.
 */
export function danglingReferences(tf: Json): string[] {
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries((tf.resource ?? {}) as Record<string, Json>)) for (const n of Object.keys(byName)) declared.add(`${type}.${n}`);
  for (const [type, byName] of Object.entries((tf.data ?? {}) as Record<string, Json>)) for (const n of Object.keys(byName)) declared.add(`data.${type}.${n}`);
  const missing: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\$\{([^}]*)\}/g)) {
        const parts = m[1].split('.');
        const addr = parts[0] === 'data' ? parts.slice(0, 3).join('.') : parts.slice(0, 2).join('.');
        if (!declared.has(addr)) missing.push(m[1]);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== '//') visit(x);
  };
  for (const byName of Object.values((tf.resource ?? {}) as Record<string, Json>)) {
    for (const r of Object.values(byName)) {
      visit(r);
      for (const d of (r.depends_on ?? []) as string[]) if (!declared.has(d)) missing.push(`depends_on ${d}`);
    }
  }
  visit(tf.output ?? {});
  return missing;
}
