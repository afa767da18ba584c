import { toAsff } from '../src/findings/asff';
import type { FindingsView } from '../src/model/finding';
import type { ReportWriter, TextSink } from '../src/model/report-writer';

/** Stands for an account the inputs never name (Terraform without a provider account); Security Hub rejects it, so it cannot be imported by mistake. */
export const UNKNOWN_ACCOUNT = '000000000000';

function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/**
 * The findings in the AWS Security Finding Format (Security Hub's, which Prowler users import),
 * one JSON array of every finding but those not applicable: the shape
 * `aws securityhub batch-import-findings --findings file://...` takes, 100 at a time. The mapping
 * is src/findings/asff.ts, the one the detection function imports with. Each finding is filed under
 * its subject's account and region (the default product ARN of that account); one whose account
 * the inputs do not name takes the only account the others name (ProductFields
 * `trailproof/AccountInferred`), else UNKNOWN_ACCOUNT (`trailproof/AccountUnknown`). Written
 * finding by finding.
 */
function writeAsff(doc: Pick<FindingsView, 'findings' | 'finishedAt'>, out: TextSink, defaultRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'): void {
  const accounts = new Set<string>();
  for (const f of doc.findings) {
    if (f.subject.account) accounts.add(f.subject.account);
    if (accounts.size > 1) break;
  }
  const onlyAccount = accounts.size === 1 ? [...accounts][0] : undefined;
  const now = new Date(doc.finishedAt);
  out.write('[');
  let first = true;
  for (const f of doc.findings) {
    if (f.status === 'not-applicable') continue;
    const account = f.subject.account ?? onlyAccount;
    const region = f.subject.region ?? defaultRegion;
    const asff = toAsff(f, { partition: partitionOf(region), account: account ?? UNKNOWN_ACCOUNT, region, now });
    if (!f.subject.account) {
      // ProductFields holds at most 50 keys: the note takes the place of the last evidence field.
      const keys = Object.keys(asff.ProductFields);
      if (keys.length >= 50) delete asff.ProductFields[keys[keys.length - 1]];
      asff.ProductFields[account ? 'trailproof/AccountInferred' : 'trailproof/AccountUnknown'] = 'true';
    }
    out.write(`${first ? '' : ','}\n  ${JSON.stringify(asff)}`);
    first = false;
  }
  out.write(first ? ']\n' : '\n]\n');
}

/** The report, as reports/registry.ts registers it (format asff, findings.asff.json). */
export const write: ReportWriter['write'] = (doc, _ctx, out) => writeAsff(doc, out);
