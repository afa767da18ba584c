/** SARIF paths are relative to the repository root (%SRCROOT%), whatever directory the scan runs in. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../src/util/repo-root';
import { goodStack, writeCdktfOut } from '../posture/support/stack';
import { REPO } from '../support/paths';

describe('%SRCROOT% is the repository root', () => {
  test('repoRoot: the nearest ancestor with .git (a directory or a worktree file); none: the directory itself', () => {
    const top = mkdtempSync(join(tmpdir(), 'tp-root-'));
    mkdirSync(join(top, '.git'));
    mkdirSync(join(top, 'infra', 'deep'), { recursive: true });
    expect(repoRoot(join(top, 'infra', 'deep'))).toBe(top);
    expect(repoRoot(top)).toBe(top);
    const bare = mkdtempSync(join(tmpdir(), 'tp-noroot-'));
    expect(repoRoot(bare)).toBe(bare);
    // This checkout: a worktree has a .git file, a clone a .git directory.
    expect(repoRoot(join(REPO, 'test', 'reports'))).toBe(REPO);
  });

  test('scan run from a subdirectory: %SRCROOT% is the root and the IaC result points at the file from there', () => {
    const top = mkdtempSync(join(tmpdir(), 'tp-root-'));
    mkdirSync(join(top, '.git'));
    const infra = join(top, 'infra');
    mkdirSync(infra);
    const broken = goodStack();
    broken.resource.aws_cloudtrail.audit_trail.is_multi_region_trail = false;
    writeCdktfOut({ audit: broken }, infra);
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), 'scan', '--iac', 'cdktf.out', '--format', 'sarif', '--out', join(top, 'out')], { cwd: infra, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const log = JSON.parse(readFileSync(join(top, 'out', 'report.sarif'), 'utf8'));
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe(`${pathToFileURL(top).href}/`);
    const uris = new Set(log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }) => JSON.stringify(x.locations[0].physicalLocation.artifactLocation)));
    expect(uris).toContain(JSON.stringify({ uri: 'infra/cdktf.out/stacks/audit/cdk.tf.json', uriBaseId: '%SRCROOT%' }));
  });
});
