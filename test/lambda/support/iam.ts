import { asList, type Statement } from '../../stacks/support';

/** An IAM resource pattern (`*` wildcards) as a regular expression. */
const glob = (g: string) => new RegExp(`^${g.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/**
 * Whether an Allow statement grants `action` on `resource`, as far as the functions' roles need:
 * actions compared without case (IAM action names are case-insensitive), resources by wildcard,
 * and an `s3:prefix` StringLike condition checked against `prefix` when one is given. No Deny
 * statements, NotAction or other conditions: the roles under test have none.
 */
export function allows(statements: readonly Statement[], action: string, resource: string, prefix?: string): boolean {
  return statements.some(
    (x) =>
      x.Effect === 'Allow' &&
      (asList(x.Action) as string[]).some((a) => a.toLowerCase() === action.toLowerCase()) &&
      (asList(x.Resource) as string[]).some((r) => glob(r).test(resource)) &&
      (prefix === undefined || !x.Condition?.StringLike?.['s3:prefix'] || glob(String(x.Condition.StringLike['s3:prefix'])).test(prefix)),
  );
}
