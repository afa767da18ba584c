import type { Finding } from '../model/finding';
import type { InputRecord } from '../model/input';
import type { Rule } from '../model/rule';
import { evaluatePosture } from '../engine/evaluate-resources';
import type { ModelPart, ResourceModel } from '../model/resource';
import { buildModel } from '../posture/build-model';
import type { LiveOptions } from '../sources/live-aws';

export interface PostureOptions {
  terraform?: string[];
  config?: string[];
  live?: LiveOptions;
  rules: Rule[];
}

export interface PostureResult {
  findings: Finding[];
  inputs: InputRecord[];
  model: ResourceModel;
}

/**
 * Read every posture source asked for into one resource model, then judge the resource and
 * account rules (and the monitoring chain of every CIS event rule) against it. Sources load
 * lazily: a Terraform-only run never loads the AWS SDK.
 */
export async function scanPosture(opts: PostureOptions): Promise<PostureResult> {
  const parts: ModelPart[] = [];
  if (opts.terraform && opts.terraform.length > 0) {
    const { readTerraform } = await import('../sources/terraform-files');
    parts.push(readTerraform(opts.terraform));
  }
  if (opts.config && opts.config.length > 0) {
    const { readConfigFiles } = await import('../sources/config-files');
    parts.push(readConfigFiles(opts.config));
  }
  if (opts.live) {
    const { readLive } = await import('../sources/live-aws');
    parts.push(await readLive(opts.live));
  }
  const model = buildModel(parts);
  const findings = await evaluatePosture(model, opts.rules);
  return { findings, inputs: parts.flatMap((p) => p.inputs), model };
}
