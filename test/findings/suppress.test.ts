import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applySuppressions,
  constructSuppressions,
  isExpired,
  loadSuppressions,
  SuppressionFileError,
  waiveInCode,
} from '../../src/findings/suppress';
import { resourceFinding, stratusDocument } from '../reports/support';

const dir = mkdtempSync(join(tmpdir(), 'tp-suppress-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const NOW = new Date('2026-11-25T12:00:00Z');

describe('suppression files', () => {
  test('YAML entries load; an invalid entry is reported with line and pointer and the others still apply', () => {
    const p = file(
      'waivers.yaml',
      [
        'version: 1',
        'suppressions:',
        '  - rule: test-iam-changes',
        '    reason: break-glass user created by the platform team',
        '    owner: platform@example.com',
        '    expires: 2027-01-31',
        '  - rule: test-console-login-no-mfa',
        '    owner: someone',
        '    expires: 2027-01-31',
        '  - control: "cis-aws@*:4.5"',
        '    reason: short',
        '    owner: sec',
        '    expires: 31/12/2026',
        '',
      ].join('\n'),
    );
    const { suppressions, errors } = loadSuppressions(p);
    expect(suppressions).toHaveLength(1);
    expect(suppressions[0]).toMatchObject({ rule: 'test-iam-changes', owner: 'platform@example.com', expires: '2027-01-31' });
    expect(suppressions[0].source).toBe(`${p}:3#/suppressions/0`);
    const messages = errors.map((e) => `${e.line}|${e.pointer}|${e.message}`);
    expect(messages).toContain("7|/suppressions/1|must have required property 'reason'");
    expect(messages.some((m) => m.startsWith('11|/suppressions/2/reason|'))).toBe(true);
    expect(messages.some((m) => m.startsWith('13|/suppressions/2/expires|') && m.includes('date'))).toBe(true);
  });

  test('an entry must select by rule, control or finding', () => {
    const p = file('noselector.json', JSON.stringify({ version: 1, suppressions: [{ resource: '*', reason: 'everything is fine here', owner: 'x', expires: '2027-01-01' }] }));
    const { suppressions, errors } = loadSuppressions(p);
    expect(suppressions).toHaveLength(0);
    expect(errors.some((e) => /required property 'rule'/.test(e.message))).toBe(true);
  });

  test('a file that is not a suppression document throws, naming the file', () => {
    expect(() => loadSuppressions(file('bad.yaml', 'suppressions: {a: 1}\n'))).toThrow(SuppressionFileError);
    expect(() => loadSuppressions(file('bad.yaml', 'suppressions: {a: 1}\n'))).toThrow(/bad\.yaml/);
    expect(() => loadSuppressions(file('syntax.yaml', 'version: 1\nsuppressions: [\n'))).toThrow(/syntax\.yaml:\d/);
    expect(() => loadSuppressions(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read/);
  });

  test('expiry is inclusive of the last day, UTC', () => {
    const s = { source: 's', rule: 'x', reason: 'r', owner: 'o', expires: '2026-11-25' };
    expect(isExpired(s, new Date('2026-11-25T23:59:59Z'))).toBe(false);
    expect(isExpired(s, new Date('2026-11-26T00:00:00Z'))).toBe(true);
  });
});

describe('applying suppressions', () => {
  const doc = stratusDocument({ extra: [resourceFinding({ name: 'audit' }), resourceFinding({ name: 'other', stack: 'other-stack' })] });

  test('matching failing findings become muted and keep reason, owner, expiry; others are untouched', () => {
    const out = applySuppressions(doc, [{ source: 'w.yaml:3#/suppressions/0', rule: 'test-iam-*', reason: 'platform break-glass user', owner: 'platform', expires: '2027-01-31' }], NOW);
    const iam = [...out.findings].filter((f) => f.ruleId === 'test-iam-changes');
    expect(iam.length).toBeGreaterThan(0);
    for (const f of iam) expect(f).toMatchObject({ status: 'muted', suppression: { reason: 'platform break-glass user', owner: 'platform', expires: '2027-01-31', source: 'w.yaml:3#/suppressions/0' } });
    expect([...out.findings].filter((f) => f.ruleId !== 'test-iam-changes').every((f) => f.status === 'fail')).toBe(true);
    expect(out.findings).toHaveLength(doc.findings.length);
    expect(out.summary.byStatus.muted).toBe(iam.length);
    expect(out.suppressions).toMatchObject({ entries: 1, muted: iam.length, expired: [], unused: [], sources: ['w.yaml'] });
  });

  test('an expired suppression stops applying and says so', () => {
    const out = applySuppressions(doc, [{ source: 'w.yaml:9#/suppressions/1', rule: 'test-cloudtrail-tampering', reason: 'trail migration window', owner: 'sec', expires: '2026-10-01' }], NOW);
    const hit = [...out.findings].filter((f) => f.ruleId === 'test-cloudtrail-tampering');
    expect(hit.every((f) => f.status === 'fail' && f.suppression?.expired === true)).toBe(true);
    expect(out.suppressions!.expired).toEqual([{ source: 'w.yaml:9#/suppressions/1', reason: 'trail migration window', owner: 'sec', expires: '2026-10-01', matched: hit.length }]);
  });

  test('resource, account and region patterns narrow a waiver; unmatched waivers are listed', () => {
    const out = applySuppressions(
      doc,
      [
        { source: 'a', rule: 'test-trail-multiregion', resource: 'aws_cloudtrail.aud*', account: '1234*', region: 'us-east-?', reason: 'single-region by design', owner: 'o', expires: '2027-01-01' },
        { source: 'b', rule: 'test-trail-multiregion', region: 'eu-*', reason: 'nothing in eu here', owner: 'o', expires: '2027-01-01' },
      ],
      NOW,
    );
    const res = [...out.findings].filter((f) => f.subject.kind === 'resource');
    expect(res.map((f) => [f.subject.kind === 'resource' && f.subject.address, f.status])).toEqual([
      ['aws_cloudtrail.audit', 'muted'],
      ['aws_cloudtrail.other', 'fail'],
    ]);
    expect(out.suppressions!.unused.map((u) => u.source)).toEqual(['b']);
  });

  test('event findings match on the principal ARN', () => {
    const principal = doc.findings.find((f) => f.ruleId === 'test-console-login-no-mfa' && f.subject.kind === 'event')!;
    const arn = principal.subject.kind === 'event' ? principal.subject.principal! : '';
    const out = applySuppressions(doc, [{ source: 'c', rule: '*', resource: arn, reason: 'known test principal', owner: 'o', expires: '2027-01-01' }], NOW);
    expect([...out.findings].filter((f) => f.status === 'muted').every((f) => f.subject.kind === 'event' && f.subject.principal === arn)).toBe(true);
    expect(out.summary.byStatus.muted).toBeGreaterThan(0);
  });
});

describe('waivers attached to cdktf constructs', () => {
  test('survive a real cdktf synth into cdk.tf.json and mute exactly that resource', async () => {
    const { App, TerraformStack } = await import('cdktf');
    const { AwsProvider } = await import('@cdktf/provider-aws/lib/provider');
    const { Cloudtrail } = await import('@cdktf/provider-aws/lib/cloudtrail');
    const outdir = mkdtempSync(join(tmpdir(), 'tp-synth-'));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'audit-stack');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const trail = new Cloudtrail(stack, 'audit', { name: 'audit', s3BucketName: 'logs' });
    new Cloudtrail(stack, 'other', { name: 'other', s3BucketName: 'logs' });
    waiveInCode(trail, [{ rule: 'test-trail-multiregion', reason: 'regional trail required by data residency', owner: 'compliance', expires: '2027-06-30' }]);
    app.synth();
    const stackDir = join(outdir, 'stacks', 'audit-stack');
    expect(readdirSync(stackDir)).toContain('cdk.tf.json');
    const path = join(stackDir, 'cdk.tf.json');
    const tf = JSON.parse(readFileSync(path, 'utf8'));
    expect(tf.resource.aws_cloudtrail.audit['//'].metadata.path).toBe('audit-stack/audit');

    const { suppressions, errors } = constructSuppressions(tf, path, 'audit-stack');
    expect(errors).toEqual([]);
    expect(suppressions).toHaveLength(1);
    expect(suppressions[0]).toMatchObject({ scope: { address: 'aws_cloudtrail.audit', stack: 'audit-stack' }, source: `${path}#/resource/aws_cloudtrail/audit/~1~1/trailproof/suppressions/0` });

    const doc = stratusDocument({ files: [], extra: [resourceFinding({ name: 'audit' }), resourceFinding({ name: 'other' })] });
    const out = applySuppressions(doc, suppressions, NOW);
    expect([...out.findings].map((f) => f.status)).toEqual(['muted', 'fail']);
    expect([...out.findings][0].suppression).toMatchObject({ reason: 'regional trail required by data residency', owner: 'compliance' });
  });

  test('an invalid construct waiver is reported with its pointer, not applied', () => {
    const tf = { resource: { aws_s3_bucket: { logs: { '//': { trailproof: { suppressions: [{ rule: 'x', owner: 'o', expires: '2027-01-01' }, { rule: 'y', resource: '*', reason: 'long enough reason', owner: 'o', expires: '2027-01-01' }] } } } } } };
    const { suppressions, errors } = constructSuppressions(tf, 'cdk.tf.json');
    expect(suppressions).toEqual([]);
    expect(errors.map((e) => e.pointer)).toEqual([
      '/resource/aws_s3_bucket/logs/~1~1/trailproof/suppressions/0',
      '/resource/aws_s3_bucket/logs/~1~1/trailproof/suppressions/1',
    ]);
    expect(errors[0].message).toMatch(/reason/);
  });
});
