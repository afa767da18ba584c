import type { TerraformStack } from 'cdktf';
import type { StacksConfig } from '../config';
import type { PolicyContext } from '../policies';

/** What every part of the audit stack builds against: the stack, the resolved config, the account's names. */
export interface BuildContext {
  stack: TerraformStack;
  config: StacksConfig;
  policy: PolicyContext;
}

/** JSON for a policy argument; cdktf resolves the token strings inside at synth. */
export const json = (value: unknown): string => JSON.stringify(value);
