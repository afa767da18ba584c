import { parseArgs } from 'node:util';
import { formatOptionHelp } from '../../../reports/registry';
import { type Command, UsageError } from '../command';

// A function: the formats are the report registry's when help is asked for.
const usage = () => `Usage: trailproof posture [--terraform PATH...] [--config PATH...] [--live [--region R...] [--aggregator NAME]] [options]

Judge the infrastructure against the resource and account rules (CIS logging 3.x, the monitoring
chain 4.1-4.15 for every CIS event rule, Security Hub 4.16, hygiene): before deploy from Terraform
JSON, from AWS Config snapshots, or live through the read-only AWS APIs (docs/iam-policy.json).

Options:
  --terraform PATH      cdk.tf.json, a cdktf.out directory, a *.tf.json tree, or \`terraform show -json\` output; repeatable
  --config PATH         AWS Config snapshot / configuration item files (.json, .json.gz) or a directory (AWSLogs/...); repeatable
  --live                read the account with the AWS SDK (credentials and region from the standard chain)
  --region R            region for --live; repeatable (default: the SDK's region)
  --aggregator NAME     read Config through this configuration aggregator (many accounts)
  --endpoint-url URL    endpoint override for every AWS client (testing, private endpoints)
  --rules DIR           rule pack directory (default: the bundled rules/)
  --out DIR             where reports go (default: out)
${formatOptionHelp(24, 'json')}
  --baseline PATH       a previous findings.json: findings are marked new or unchanged, and fixed ones listed
  --new-only            judge --fail-on on new findings only (needs --baseline to mean anything)
  --allow-broken-chains a failing CIS monitoring chain blocks only at --fail-on (default: always)
  --allow-coverage-loss controls judged in the --baseline run and by no rule now do not fail
  --suppressions PATH   YAML or JSON suppression file (reason, owner and expiry required); repeatable
  --fail-on SEVERITY    critical|high|medium|low|info|none (default low)
  --strict              a rule file that does not load is fatal (exit 2)
  --quiet               no summary on stdout`;

export const command: Command = {
  name: 'posture',
  summary: 'judge Terraform JSON, AWS Config snapshots or live AWS against the posture rules',
  get usage() {
    return usage();
  },
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        terraform: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true },
        live: { type: 'boolean', default: false },
        region: { type: 'string', multiple: true },
        aggregator: { type: 'string' },
        'endpoint-url': { type: 'string' },
        // the old spelling: scan, which runs this command, accepts it with a note
        endpoint: { type: 'string' },
        rules: { type: 'string' },
        out: { type: 'string', default: 'out' },
        format: { type: 'string', default: 'json' },
        baseline: { type: 'string' },
        'new-only': { type: 'boolean', default: false },
        'allow-broken-chains': { type: 'boolean', default: false },
        'allow-coverage-loss': { type: 'boolean', default: false },
        'fail-on': { type: 'string', default: 'low' },
        strict: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        suppressions: { type: 'string', multiple: true },
      },
    });
    const terraform = values.terraform ?? [];
    const config = values.config ?? [];
    if (terraform.length === 0 && config.length === 0 && !values.live) throw new UsageError('nothing to judge: give --terraform PATH, --config PATH or --live');
    if (!values.live && (values.region || values.aggregator || values['endpoint-url'] || values.endpoint)) throw new UsageError('--region, --aggregator and --endpoint-url need --live');
    // The same pipeline as scan (reports, baseline, suppressions, verdict): posture is scan
    // without event sources, kept as its own command for the workflows that name it.
    const { command: scan } = await import('./scan');
    return scan.run(argv);
  },
};
