import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TOOL_VERSION } from '../version';

/** The functions in the asset: the bundle's file under `handler/` and its export. */
const LAMBDA_ENTRIES = {
  detect: 'src/lambda/detect-entry.ts',
  posture: 'src/lambda/posture-entry.ts',
  backfill: 'src/lambda/backfill-entry.ts',
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

export interface LambdaAsset {
  dir: string;
  /** Lambda's `handler` setting per function (`handler/<name>.handler`). */
  handlers: Record<LambdaName, string>;
  /** Bytes of each bundle file. */
  bytes: Record<LambdaName, number>;
}

/**
 * The functions' code as one directory for a Terraform asset: each entry bundled by esbuild with
 * everything it imports (the AWS SDK clients included, so the code runs on exactly the versions
 * it was tested with, not the runtime's), beside the rule pack, the schemas and the control
 * catalogues it reads at start. The bundle sits one folder down, so the code's REPO_ROOT (the
 * parent of its own folder) is the asset's root, as it is the repository's in a checkout.
 */
export function buildLambdaAsset(dir: string, opts: { rulesDir?: string; minify?: boolean } = {}): LambdaAsset {
  const esbuild = require('esbuild') as typeof import('esbuild');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'handler'), { recursive: true });
  const handlers = {} as Record<LambdaName, string>;
  const bytes = {} as Record<LambdaName, number>;
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES) as [LambdaName, string][]) {
    const outfile = join(dir, 'handler', `${name}.js`);
    esbuild.buildSync({
      entryPoints: [join(REPO_ROOT, entry)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: opts.minify ?? true,
      // Loaded only by the CLI's worker pool, never by a function.
      external: ['esbuild', 'tsx', 'playwright-core'],
      legalComments: 'none',
      logLevel: 'silent',
      outfile,
    });
    handlers[name] = `handler/${name}.handler`;
    bytes[name] = statSync(outfile).size;
  }
  cpSync(opts.rulesDir ?? join(REPO_ROOT, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(REPO_ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  cpSync(join(REPO_ROOT, 'controls'), join(dir, 'controls'), { recursive: true });
  // version.ts reads the version from package.json at the root.
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'trailproof-functions', version: TOOL_VERSION, private: true })}\n`);
  return { dir, handlers, bytes };
}
