/**
 * findings.asff.json is what Security Hub imports: every finding carries the top-level attributes
 * AWS lists as required (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html),
 * and the file, 100 findings a call, goes through the real SDK client's BatchImportFindings to a
 * loopback endpoint that holds each finding to those rules and the default product ARN.
 */
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { UNKNOWN_ACCOUNT } from '../../reports/asff';
import { renderReport } from '../../reports/write';
import { LoopbackAws } from '../lambda/support/loopback-aws';
import { CATALOGUES, HOSTILE_ALL, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';

const ACCOUNT = '111122223333';
const REQUIRED = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'];

function trail(name: string, status: 'fail' | 'pass' | 'not-applicable', account: string | null = ACCOUNT) {
  const f = resourceFinding({ name, status: status === 'not-applicable' ? 'pass' : status });
  return { ...f, status, subject: { ...f.subject, account, region: 'us-east-1' } };
}

describe('findings.asff.json', () => {
  const doc = stratusDocument({
    mutate: (r) => ({ ...hostileMutation(r), recipientAccountId: ACCOUNT, awsRegion: 'us-east-1' }),
    extra: [trail('audit', 'fail'), trail('ok', 'pass'), trail('na', 'not-applicable'), trail('nowhere', 'fail', null)],
  });
  const asff = JSON.parse(renderReport('asff', doc, { rules: RULES, catalogues: CATALOGUES })) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any

  test('every finding but the not-applicable ones, each with the required attributes; statuses mapped', () => {
    expect(asff).toHaveLength(doc.findings.filter((f) => f.status !== 'not-applicable').length);
    for (const a of asff) for (const k of REQUIRED) expect(a[k]).toBeDefined();
    const byId = new Map(asff.map((a) => [a.Id, a]));
    const pass = doc.findings.find((f) => f.subject.kind === 'resource' && f.status === 'pass')!;
    expect(byId.get(pass.id)!.Compliance.Status).toBe('PASSED');
    expect(byId.get(pass.id)!.RecordState).toBe('ARCHIVED');
    // A finding whose account no input names takes the only account the others name.
    const nowhere = doc.findings.find((f) => f.subject.kind === 'resource' && f.subject.resourceId === 'nowhere')!;
    expect(byId.get(nowhere.id)!.AwsAccountId).toBe(ACCOUNT);
    expect(byId.get(nowhere.id)!.ProductFields['trailproof/AccountInferred']).toBe('true');
    // Hostile event text stays a JSON string, whole where it fits.
    expect(JSON.stringify(asff)).toContain(JSON.stringify(HOSTILE_ALL).slice(1, 200));
  });

  test('with no account named anywhere: the placeholder, which Security Hub refuses', async () => {
    const lone = stratusDocument({ files: [], extra: [trail('x', 'fail', null)] });
    const out = JSON.parse(renderReport('asff', lone, { rules: RULES, catalogues: CATALOGUES }));
    expect(out[0].AwsAccountId).toBe(UNKNOWN_ACCOUNT);
    expect(out[0].ProductFields['trailproof/AccountUnknown']).toBe('true');
    const aws = new LoopbackAws(ACCOUNT);
    await aws.start();
    try {
      const client = new SecurityHubClient({ region: 'us-east-1', endpoint: aws.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
      const r = await client.send(new BatchImportFindingsCommand({ Findings: out }));
      expect(r.FailedCount).toBe(1);
    } finally {
      await aws.stop();
    }
  });

  test('imports through BatchImportFindings (real SDK client, loopback Security Hub), 100 a call, none refused', async () => {
    const aws = new LoopbackAws(ACCOUNT);
    await aws.start();
    try {
      const client = new SecurityHubClient({ region: 'us-east-1', endpoint: aws.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
      let failed = 0;
      for (let i = 0; i < asff.length; i += 100) {
        const r = await client.send(new BatchImportFindingsCommand({ Findings: asff.slice(i, i + 100) as never }));
        failed += r.FailedCount ?? 0;
      }
      expect(failed).toBe(0);
      expect(aws.hubFindings.size).toBe(asff.length);
    } finally {
      await aws.stop();
    }
  });
});
