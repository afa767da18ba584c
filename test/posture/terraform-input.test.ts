import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingsSchemaProblems } from '../../reports/json';
import { main } from '../../src/cli/main';
import type { Finding, FindingsDocument } from '../../src/model/finding';
import { readTerraform } from '../../src/sources/terraform-files';
import { evaluateJsonencode } from '../../src/sources/hcl-literal';
import { tmpDir } from './support/stack';

/**
 * The Terraform gate reads Terraform JSON as Terraform does: the fixtures under
 * test/fixtures/terraform-input are shapes real tools write (hcl2json's one-element arrays, modules
 * split over files, variables and jsonencode), each run through `trailproof posture` as a user would.
 */
const TF = join(__dirname, '..', 'fixtures', 'terraform-input');
const CONFIG = join(__dirname, '..', 'fixtures', 'config-input');

async function posture(...args: string[]): Promise<{ code: number; doc: FindingsDocument }> {
  const out = tmpDir();
  const so = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const se = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(['posture', ...args, '--out', out]);
    return { code, doc: JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

function result(doc: FindingsDocument, rule: string, where: { stack?: string; address?: string } = {}): Finding {
  const found = (doc.findings as Finding[]).filter(
    (f) =>
      f.ruleId === rule &&
      (where.stack === undefined || (f.subject as { stack?: string }).stack === where.stack) &&
      (where.address === undefined || (f.subject as { address?: string }).address === where.address),
  );
  if (found.length !== 1) throw new Error(`${found.length} results for ${rule} ${JSON.stringify(where)}`);
  return found[0];
}

describe('HCL JSON with one-element array bodies (hcl2json)', () => {
  test('every resource is read, nested blocks too, and judged as the cdktf form would be', async () => {
    const { doc } = await posture('--terraform', join(TF, 'hcl2json'));
    expect(doc.inputs).toEqual([expect.objectContaining({ kind: 'terraform-json', status: 'processed', records: 9 })]);
    expect(result(doc, 'cis-cloudtrail-multi-region-logging').status).toBe('pass');
    expect(result(doc, 'cis-cloudtrail-cloudwatch-logs').status).toBe('pass');
    expect(result(doc, 'cis-cloudtrail-kms-encryption').status).toBe('pass');
    // versioning_configuration, recording_group, the policy document's statements: all arrays
    expect(result(doc, 'cloudtrail-bucket-versioning').status).toBe('pass');
    expect(result(doc, 'cis-config-recording-all-resources').status).toBe('pass');
    expect(result(doc, 's3-bucket-tls-only').status).toBe('pass');
  });

  test('a file whose resource bodies cannot be read is an error naming each block, not a processed file with nothing in it', async () => {
    const { code, doc } = await posture('--terraform', join(TF, 'unreadable'));
    const [input] = doc.inputs;
    expect(input).toMatchObject({ status: 'error', records: 0 });
    expect(input.reason).toContain('/resource/aws_cloudtrail/main: aws_cloudtrail.main: the body is not an object');
    expect(input.reason).toContain('aws_cloudtrail.backup: 2 bodies for one block');
    expect(input.skippedRecords?.map((s) => s.first)).toEqual(['/resource/aws_cloudtrail/main', '/resource/aws_cloudtrail/backup']);
    expect(code).toBe(2);
  });
});

describe('a folder of *.tf.json is one module', () => {
  test('the files of one folder make one stack whose references cross files; same-named files in two folders stay apart', async () => {
    const { doc } = await posture('--terraform', join(TF, 'module-split'));
    expect(doc.inputs.map((i) => [i.path.split('/').slice(-2).join('/'), i.status, i.records])).toEqual([
      ['audit/main.tf.json', 'processed', 3],
      ['audit/monitoring.tf.json', 'processed', 3],
      ['audit/storage.tf.json', 'processed', 4],
      ['sandbox/main.tf.json', 'processed', 2],
    ]);
    // The trail (main.tf.json) reaches its log group (monitoring.tf.json), its bucket and the
    // bucket's parts (storage.tf.json): one module.
    expect(result(doc, 'cis-cloudtrail-cloudwatch-logs', { stack: 'audit' }).status).toBe('pass');
    expect(result(doc, 'cloudtrail-bucket-versioning', { stack: 'audit' }).status).toBe('pass');
    expect(result(doc, 'cloudtrail-bucket-public-access-block', { stack: 'audit' }).status).toBe('pass');
    expect(result(doc, 'cis-cloudtrail-multi-region-logging', { stack: 'audit' }).status).toBe('pass');
    // The sandbox's main.tf.json declares the same addresses and is judged on its own.
    expect(result(doc, 'cis-cloudtrail-multi-region-logging', { stack: 'sandbox' }).status).toBe('fail');
    expect(result(doc, 'cloudtrail-bucket-versioning', { stack: 'sandbox' }).status).toBe('fail');
    const stacks = new Set(doc.findings.map((f) => (f.subject as { stack?: string }).stack));
    expect([...stacks].sort()).toEqual(['audit', 'sandbox']);
  });

  test('a resource declared in two files of one module is reported, not silently merged', () => {
    const dir = tmpDir();
    const bucket = (name: string) => JSON.stringify({ resource: { aws_s3_bucket: { logs: { bucket: name } } } });
    writeFileSync(join(dir, 'a.tf.json'), bucket('acme-logs-a'));
    writeFileSync(join(dir, 'b.tf.json'), bucket('acme-logs-b'));
    const part = readTerraform([dir]);
    expect(part.resources.filter((r) => r.origin.address === 'aws_s3_bucket.logs').map((r) => r.name)).toEqual(['acme-logs-a']);
    const b = part.inputs.find((i) => i.path.endsWith('b.tf.json'));
    expect(b).toMatchObject({ status: 'error', records: 0 });
    expect(b?.skippedRecords?.[0].reason).toContain('aws_s3_bucket.logs is declared twice in the module');
  });

  test('the same stack given twice (a folder and one of its files) makes two contexts, never one merged', () => {
    const part = readTerraform([join(TF, 'module-split', 'audit'), join(TF, 'module-split', 'audit', 'main.tf.json')]);
    expect(part.contexts.map((c) => c.key)).toEqual(['tf:audit', 'tf:main']);
  });
});

describe('expressions', () => {
  let doc: FindingsDocument;
  beforeAll(async () => {
    ({ doc } = await posture('--terraform', join(TF, 'expressions')));
  });

  test('a reference by address reaches the resource even when its name is a variable', () => {
    // s3_bucket_name = "${aws_s3_bucket.trail.id}" and bucket = "${var.trail_bucket_name}": the trail
    // bucket rules apply to aws_s3_bucket.trail and to no other bucket.
    expect(result(doc, 'cloudtrail-bucket-versioning', { address: 'aws_s3_bucket.trail' }).status).not.toBe('not-applicable');
    expect(result(doc, 'cloudtrail-bucket-versioning', { address: 'aws_s3_bucket.archive' }).status).toBe('not-applicable');
  });

  test('findings.json with the unresolved expressions in evidence still matches its schema', () => {
    expect(findingsSchemaProblems(doc)).toEqual([]);
    const tls = result(doc, 's3-bucket-tls-only', { address: 'aws_s3_bucket.merged_policy' });
    expect(tls.evidence.unresolved).toEqual([expect.stringContaining('a call to merge()')]);
  });

  test('a variable gives manual with the expression as the reason, never fail or Suspended', () => {
    const versioning = result(doc, 'cloudtrail-bucket-versioning', { address: 'aws_s3_bucket.trail' });
    expect(versioning.status).toBe('manual');
    expect(versioning.message).toContain('versioning.enabled = ${var.versioning}');
    const tls = result(doc, 's3-bucket-tls-only', { address: 'aws_s3_bucket.trail' });
    expect(tls.status).toBe('manual');
    expect(tls.message).toContain('aws_s3_bucket_policy.trail: policy = ${var.trail_bucket_policy}');
  });

  test('jsonencode of a literal is evaluated; jsonencode of a function call is manual with why', () => {
    expect(result(doc, 's3-bucket-tls-only', { address: 'aws_s3_bucket.literal_policy' }).status).toBe('pass');
    const merged = result(doc, 's3-bucket-tls-only', { address: 'aws_s3_bucket.merged_policy' });
    expect(merged.status).toBe('manual');
    expect(merged.message).toContain('jsonencode(...) not evaluated: a call to merge()');
  });

  test('a TLS deny on the bucket ARN alone does not cover the objects: fail', () => {
    const f = result(doc, 's3-bucket-tls-only', { address: 'aws_s3_bucket.bucket_arn_only' });
    expect(f.status).toBe('fail');
  });

  test('include_global_resource_types = false fails the Config recording control', () => {
    const f = result(doc, 'cis-config-recording-all-resources');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('$.includeGlobalResourceTypes');
  });
});

describe('jsonencode literals', () => {
  test('objects, tuples, strings with escapes and interpolations, numbers, booleans, null, references', () => {
    const r = evaluateJsonencode('${jsonencode({\n  a = aws_s3_bucket.x.arn # a comment\n  "b" = [1, -2.5e1, true, null]\n  c: "q\\"${var.y}/*"\n})}');
    expect(r).toEqual({ value: JSON.stringify({ a: '${aws_s3_bucket.x.arn}', b: [1, -25, true, null], c: 'q"${var.y}/*' }) });
  });

  test.each([
    ['${jsonencode({a = 1 + 2})}', 'an operator'],
    ['${jsonencode({a = var.on ? "x" : "y"})}', 'an operator or conditional'],
    ['${jsonencode([for s in var.list : s])}', 'a for expression'],
    ['${jsonencode({a = "%{if var.x}y%{endif}"})}', 'a template directive'],
    ['${jsonencode(merge(local.a, local.b))}', 'a call to merge()'],
  ])('%s is not evaluated (%s)', (text, why) => {
    const r = evaluateJsonencode(text);
    expect(r && 'unresolved' in r ? r.unresolved : r).toContain(why);
  });

  test('a string that is not a jsonencode call is left alone', () => {
    expect(evaluateJsonencode('${var.policy}')).toBeNull();
    expect(evaluateJsonencode('{"Version":"2012-10-17"}')).toBeNull();
  });
});

describe('AWS Config input', () => {
  test('a snapshot whose only trail is not multi-region fails CIS 3.1, though Config says nothing of its logging or selectors', async () => {
    const { doc } = await posture('--config', join(CONFIG, 'single-region-trail.json'));
    const f = result(doc, 'cis-cloudtrail-multi-region-logging');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('$.isMultiRegion=false');
  });
});
