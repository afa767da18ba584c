import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { FindingsDocument } from '../../src/model/finding';
import { findingsSchemaProblems } from '../../reports/json';
import { FIXTURES } from '../support/paths';
import { FakeAws } from './support/fake-aws';
import { REGION, goodWorld } from './support/live-world';
import { goodStack, tmpDir, writeCdktfOut } from './support/stack';
import { quietly } from '../support/quietly';

process.env.AWS_ACCESS_KEY_ID = 'AKIDTRAILPROOFTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'trailproof-test-secret';
delete process.env.AWS_PROFILE;

function readDoc(dir: string): FindingsDocument {
  return JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as FindingsDocument;
}

describe('trailproof posture', () => {
  test('Terraform and Config in one run: one findings.json that matches the findings schema', async () => {
    const tf = writeCdktfOut({ audit: goodStack('audit') });
    const out = tmpDir();
    const code = await quietly(() => main(['posture', '--terraform', tf, '--config', join(FIXTURES, 'posture', 'aws-config-rdk', 'example_ci'), '--out', out]));
    const doc = readDoc(out);
    expect(findingsSchemaProblems(doc)).toEqual([]);
    expect(code).toBe(1); // the rdk samples fail some controls
    expect(doc.inputs.map((i) => i.kind)).toEqual(expect.arrayContaining(['terraform-json', 'config-items']));
    const kinds = new Set(doc.findings.map((f) => f.subject.kind));
    expect([...kinds].sort()).toEqual(['account', 'resource']);
    expect(doc.summary.byStatus.pass).toBeGreaterThan(0);
    expect(doc.summary.byStatus.fail).toBeGreaterThan(0);
  });

  test('a compliant stack exits 0', async () => {
    const out = tmpDir();
    const code = await quietly(() => main(['posture', '--terraform', writeCdktfOut({ audit: goodStack('audit') }), '--out', out, '--quiet']));
    expect(code).toBe(0);
    expect(readDoc(out).findings.filter((f) => f.status === 'fail')).toEqual([]);
  });

  test('--live with --endpoint-url scans the loopback account', async () => {
    const fake = new FakeAws(goodWorld());
    await fake.start();
    try {
      const out = tmpDir();
      const code = await quietly(() => main(['posture', '--live', '--region', REGION, '--endpoint-url', fake.endpoint, '--out', out]));
      const doc = readDoc(out);
      expect(findingsSchemaProblems(doc)).toEqual([]);
      expect(code).toBe(0);
      expect(doc.findings.find((f) => f.ruleId === 'cis-monitoring-chain/cis-root-account-usage')?.status).toBe('pass');
    } finally {
      await fake.stop();
    }
  });

  test('usage errors exit 2; nothing readable exits 2', async () => {
    expect(await quietly(() => main(['posture']))).toBe(2);
    expect(await quietly(() => main(['posture', '--terraform', 'x', '--region', 'us-east-1']))).toBe(2);
    expect(await quietly(() => main(['posture', '--terraform', '/nonexistent/cdk.tf.json', '--out', tmpDir()]))).toBe(2);
  });

  test('--format all, --baseline and --new-only: a known failure does not block, a new one does', async () => {
    const broken = goodStack('audit');
    broken.resource.aws_cloudtrail.audit_trail.enable_log_file_validation = false;
    const base = tmpDir();
    expect(await quietly(() => main(['posture', '--terraform', writeCdktfOut({ audit: broken }), '--out', base, '--fail-on', 'none', '--quiet']))).toBe(0);
    const out = tmpDir();
    const again = await quietly(() => main(['posture', '--terraform', writeCdktfOut({ audit: broken }), '--out', out, '--format', 'all', '--baseline', join(base, 'findings.json'), '--fail-on', 'low', '--new-only']));
    expect(again).toBe(0);
    for (const f of ['findings.json', 'report.md', 'report.sarif', 'junit.xml', 'report.html', 'report.csv']) expect(readFileSync(join(out, f), 'utf8').length).toBeGreaterThan(0);
    const worse = goodStack('audit');
    worse.resource.aws_cloudtrail.audit_trail.enable_log_file_validation = false;
    delete worse.resource.aws_sns_topic_subscription;
    const out2 = tmpDir();
    expect(await quietly(() => main(['posture', '--terraform', writeCdktfOut({ audit: worse }), '--out', out2, '--baseline', join(base, 'findings.json'), '--fail-on', 'low', '--new-only']))).toBe(1);
    const doc = readDoc(out2);
    expect(doc.findings.find((f) => f.ruleId === 'cis-cloudtrail-log-file-validation')?.baseline).toBe('unchanged');
    expect(doc.findings.find((f) => f.ruleId === 'cis-monitoring-chain/cis-root-account-usage')?.baseline).toBe('new');
    expect(await quietly(() => main(['posture', '--terraform', writeCdktfOut({ audit: worse }), '--format', 'pdf']))).toBe(2);
  });
});
