import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describeWhenFound, executable } from './optional-suite';

/** What `terraform validate` of the stacks needs, in one line, for the skip notice and the docs. */
export const TERRAFORM_INSTALL =
  'terraform on PATH (or TRAILPROOF_TERRAFORM=/path/to/terraform) and a provider filesystem mirror holding registry.terraform.io/hashicorp/aws/<version>/linux_amd64 (TRAILPROOF_TF_MIRROR=<mirror root>, or /opt/tf-plugins, ~/.terraform.d/plugins, ~/.local/share/terraform/plugins, /usr/local/share/terraform/plugins, /usr/share/terraform/plugins)';

export interface TerraformSetup {
  terraform: string;
  terraformVersion: string;
  /** The mirror root (the folder holding registry.terraform.io/). */
  mirror: string;
  /** The newest hashicorp/aws version in the mirror for this platform. */
  awsVersion: string;
}

function platform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${process.platform}_${arch}`;
}

const semver = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10));
const newer = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** The newest hashicorp/aws version a mirror root holds for this platform, unpacked or zipped. */
export function awsProviderIn(root: string): string | undefined {
  const dir = join(root, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(dir)) return undefined;
  let best: string | undefined;
  for (const entry of readdirSync(dir)) {
    // The unpacked layout (<version>/<os_arch>/) or the packed one (terraform-provider-aws_<version>_<os_arch>.zip).
    const packed = /^terraform-provider-aws_(\d+\.\d+\.\d+)_(\w+)\.zip$/.exec(entry);
    let version: string | undefined;
    if (/^\d+\.\d+\.\d+$/.test(entry) && existsSync(join(dir, entry, platform()))) version = entry;
    else if (packed && packed[2] === platform()) version = packed[1];
    if (version && (!best || newer(version, best))) best = version;
  }
  return best;
}

/** Where a mirror may be: the override first, then the places Terraform and packagers use. */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homedir();
  return [env.TRAILPROOF_TF_MIRROR, '/opt/tf-plugins', join(home, '.terraform.d', 'plugins'), join(home, '.local', 'share', 'terraform', 'plugins'), '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
}

/**
 * terraform and an AWS provider mirror, or why not. A TRAILPROOF_TF_MIRROR or TRAILPROOF_TERRAFORM
 * that names nothing usable is an error (an explicit choice that is wrong must fail, not skip).
 */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): { setup?: TerraformSetup; missing?: string; error?: string } {
  let terraform = env.TRAILPROOF_TERRAFORM;
  if (terraform && !executable(terraform)) return { error: `TRAILPROOF_TERRAFORM=${terraform} is not an executable file` };
  if (!terraform) {
    terraform = (env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'terraform'))
      .find((f) => existsSync(f) && executable(f));
  }
  if (!terraform) return { missing: 'no terraform on PATH' };
  const v = spawnSync(terraform, ['version', '-json'], { encoding: 'utf8', env: { ...env, CHECKPOINT_DISABLE: '1' } });
  const terraformVersion = v.status === 0 ? String((JSON.parse(v.stdout) as { terraform_version?: string }).terraform_version) : 'unknown';
  if (env.TRAILPROOF_TF_MIRROR && !awsProviderIn(env.TRAILPROOF_TF_MIRROR)) {
    return { error: `TRAILPROOF_TF_MIRROR=${env.TRAILPROOF_TF_MIRROR} holds no registry.terraform.io/hashicorp/aws/<version>/${platform()}` };
  }
  for (const mirror of mirrorCandidates(env)) {
    const awsVersion = awsProviderIn(mirror);
    if (awsVersion) return { setup: { terraform, terraformVersion, mirror, awsVersion } };
  }
  return { missing: `terraform ${terraformVersion} found, but no hashicorp/aws provider mirror for ${platform()} in ${mirrorCandidates(env).join(', ')}` };
}

/** `describe` when terraform and a mirror are there; a skipped suite saying what is missing otherwise. */
export function describeWithTerraform(title: string, body: (setup: TerraformSetup) => void): void {
  const found = findTerraform();
  describeWhenFound(
    title,
    { value: found.setup, missing: found.missing, error: found.error },
    { install: TERRAFORM_INSTALL, requireVar: 'TRAILPROOF_REQUIRE_TERRAFORM', placeholder: { terraform: '', terraformVersion: '', mirror: '', awsVersion: '' } },
    body,
  );
}
