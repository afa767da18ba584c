/** SARIF paths are relative to the repository root (%SRCROOT%), whatever directory the scan runs in. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../src/util/repo-root';
import { ConstructSources } from '../../reports/construct-source';
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

  test('an IaC result points at the line that makes the construct (cdk.tf.json, build output, stays as a related location)', () => {
    const top = mkdtempSync(join(tmpdir(), 'tp-root-'));
    mkdirSync(join(top, '.git'));
    mkdirSync(join(top, 'stacks', 'parts'), { recursive: true });
    writeFileSync(join(top, 'stacks', 'parts', 'trail.ts'), "import { Cloudtrail } from 'x';\n\nexport function trail(stack: never) {\n  return new Cloudtrail(stack, 'trail', {\n    enableLogFileValidation: false,\n  });\n}\n");
    // The same id made twice somewhere else would be ambiguous: such ids map to nothing.
    writeFileSync(join(top, 'stacks', 'other.ts'), "new Topic(this, 'alarms', {});\nnew Topic(this, 'alarms', {});\n");
    const broken = goodStack();
    // The fixture's construct path for the trail is audit/trail/trail: made as 'trail' in trail.ts.
    broken.resource.aws_cloudtrail.audit_trail.enable_log_file_validation = false;
    writeCdktfOut({ audit: broken }, top);
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'trailproof.js'), 'scan', '--iac', 'cdktf.out', '--format', 'sarif', '--out', join(top, 'out')], { cwd: top, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const log = JSON.parse(readFileSync(join(top, 'out', 'report.sarif'), 'utf8'));
    const mapped = log.runs[0].results.filter((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri === 'stacks/parts/trail.ts');
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.map((m: { ruleId: string }) => m.ruleId)).toContain('cis-cloudtrail-log-file-validation');
    const sources = new ConstructSources(top);
    expect(sources.find('audit/trail/trail')).toEqual({ path: 'stacks/parts/trail.ts', line: 4 });
    expect(sources.find('audit/alarms')).toBeUndefined();
    expect(sources.find('audit/nothing')).toBeUndefined();
    for (const m of mapped) {
      expect(m.locations[0].physicalLocation.region).toEqual({ startLine: 4 });
      expect(m.relatedLocations[0].physicalLocation.artifactLocation).toEqual({ uri: 'cdktf.out/stacks/audit/cdk.tf.json', uriBaseId: '%SRCROOT%' });
    }
  });
});
