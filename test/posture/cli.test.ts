import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { FindingsDocument } from '../../src/model/finding';
import { findingsSchemaProblems } from '../../reports/json';
import { FIXTURES } from '../support/paths';
import { FakeAws } from './support/fake-aws';
import { REGION, goodWorld } from './support/live-world';
import { goodStack, tmpDir, writeCdktfOut } from './support/stack';

process.env.AWS_ACCESS_KEY_ID = 'AKIDTRAILPROOFTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'trailproof-test-secret';
delete process.env.AWS_PROFILE;

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return fn().finally(() => {
    out.mockRestore();
    err.mockRestore();
  });
}

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

  test('--live with --endpoint scans the loopback account', async () => {
    const fake = new FakeAws(goodWorld());
    await fake.start();
    try {
      const out = tmpDir();
      const code = await quietly(() => main(['posture', '--live', '--region', REGION, '--endpoint', fake.endpoint, '--out', out]));
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
});
