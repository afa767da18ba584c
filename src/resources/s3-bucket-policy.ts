import { type Obj, asArray, isObj, maybeJson, strings } from '../util/values';

/** Whether a bucket policy keeps requests on TLS: the derived `tlsOnly` of a bucket. */

type Tri = boolean | undefined;

function statements(policy: unknown): Obj[] {
  const p = maybeJson(policy);
  if (!isObj(p)) return [];
  return asArray(p.Statement).filter(isObj);
}

/**
 * Whether a Deny statement's Resource reaches the bucket's objects: `*`, or `<bucket>/*` (any
 * bucket ARN or reference followed by `/*`, but not a narrower key prefix such as `<bucket>/logs/*`).
 * A deny on the bucket ARN alone leaves GetObject/PutObject over plain HTTP allowed.
 */
function coversObjects(resource: unknown): boolean {
  return strings(resource).some((r) => {
    if (r === '*') return true;
    if (!r.endsWith('/*')) return false;
    const bucket = r.slice(0, -2);
    // a reference (${aws_s3_bucket.x.arn}) or an ARN arn:<partition>:s3:::<name> with no key part
    return /^\$\{[^}]+\}$/.test(bucket) || /^arn:[a-z-]+:s3:::[^/]+$/.test(bucket);
  });
}

/** A bucket policy that denies every request not made over TLS (aws:SecureTransport = false), objects included. */
export function denyInsecureTransport(policy: unknown): Tri {
  if (policy === undefined) return undefined;
  if (policy === null) return false;
  const parsed = maybeJson(policy);
  if (typeof parsed === 'string' && parsed.includes('${')) return undefined;
  return statements(parsed).some((s) => {
    if (s.Effect !== 'Deny') return false;
    const principal = s.Principal;
    const anyone = principal === '*' || (isObj(principal) && strings(principal.AWS).includes('*'));
    const actions = strings(s.Action);
    const all = actions.some((a) => a === '*' || a === 's3:*');
    const cond = isObj(s.Condition) ? s.Condition : {};
    const bool = isObj(cond.Bool) ? cond.Bool : {};
    const secure = strings(bool['aws:SecureTransport']).concat(typeof bool['aws:SecureTransport'] === 'boolean' ? [String(bool['aws:SecureTransport'])] : []);
    return anyone && all && secure.some((v) => v.toLowerCase() === 'false') && coversObjects(s.Resource);
  });
}
