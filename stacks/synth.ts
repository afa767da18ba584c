import { App } from 'cdktf';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAlarmPlans } from './alarm-plan';
import { AuditStack } from './audit-stack';
import { loadConfig, resolveConfig, type StacksConfig, type StacksConfigInput } from './config';

/**
 * cdktf feature flags, set here rather than only in cdktf.json so that `cdktf synth` and a
 * programmatic synth (tests, `npm start`) produce the same Terraform addresses.
 */
const CONTEXT = { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true' };

export interface SynthResult {
  outdir: string;
  stacks: string[];
  /** Absolute path of each stack's cdk.tf.json, by stack name. */
  files: Record<string, string>;
  alarms: number;
  /** Synth warnings (cdktf annotations), e.g. a topic without subscribers or a rule EventBridge cannot express. */
  warnings: string[];
}

interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string; annotations?: { level: string; message: string }[] }>;
}

/** A configuration document (validated here), a path to a config file, or nothing for the default file. */
export function toConfig(config?: StacksConfigInput | string): StacksConfig {
  return config === undefined || typeof config === 'string' ? loadConfig(config) : resolveConfig(config);
}

function buildApp(app: App, config: StacksConfig): AuditStack {
  return new AuditStack(app, config, loadAlarmPlans(config));
}

/** Synthesize for cdktf-cli (main.ts): the App takes its output directory from the environment cdktf-cli sets. */
export function synthForCli(config: StacksConfig): void {
  const app = new App({ stackTraces: false, context: CONTEXT });
  buildApp(app, config);
  app.synth();
}

/** Synthesize the stacks into `outdir` (cdktf's layout: stacks/<name>/cdk.tf.json). */
export function synthesize(outdir: string, config?: StacksConfigInput | string): SynthResult {
  const resolved = toConfig(config);
  // App creates only the last path segment; callers pass paths like out/cdktf.out.
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, stackTraces: false, context: CONTEXT });
  const stack = buildApp(app, resolved);
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  const files: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [name, s] of Object.entries(manifest.stacks)) {
    files[name] = join(outdir, s.synthesizedStackPath);
    for (const a of s.annotations ?? []) if (a.level.endsWith('warn')) warnings.push(`${name}: ${a.message}`);
  }
  return { outdir, stacks: Object.keys(files), files, alarms: stack.alarmCount, warnings };
}

