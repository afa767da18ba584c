// The cdktf app: `npm run synth` (cdktf-cli runs this through tsx) builds the audit stacks from
// trailproof.config.json (or the file named by TRAILPROOF_CONFIG) and the rule pack in rules/.
import { ConfigError } from './stacks/config';
import { RulePackError } from './stacks/alarm-plan';
import { synthForCli, toConfig } from './stacks/synth';

try {
  // Read the configuration first: a bad one must fail before App creates the output directory.
  synthForCli(toConfig());
} catch (e) {
  if (e instanceof ConfigError || e instanceof RulePackError) {
    process.stderr.write(`trailproof: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
