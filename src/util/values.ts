/**
 * Small readers shared by the source normalizers. AWS Config changes key casing between resource
 * types (and sometimes within one), Terraform JSON writes a nested block as an object or as a
 * list, and an unresolved `${...}` expression is not a value yet: these helpers absorb all three.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Case-insensitive property read: `pick(c, 'isMultiRegionTrail')` finds `IsMultiRegionTrail` too. */
export function pick(obj: unknown, ...names: string[]): unknown {
  if (!isObj(obj)) return undefined;
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  }
  const wanted = names.map((n) => n.toLowerCase());
  for (const k of Object.keys(obj)) {
    if (wanted.includes(k.toLowerCase())) return obj[k];
  }
  return undefined;
}

export function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** A Terraform interpolation that is not resolved to a literal. */
export function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

/** A string, or null when absent or empty; undefined when it is an unresolved expression. */
export function strOrNull(v: unknown): string | null | undefined {
  if (v === undefined || v === null || v === '') return null;
  if (isExpression(v)) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * A reference-like argument (key id, log group ARN): an interpolation still says "set", so it is
 * kept as the value; only absence or an empty string is null.
 */
export function setOrNull(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  return null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && !isExpression(v) ? v : null;
}

/**
 * A boolean as the sources write it (`true`, `"true"`, `"True"`); `fallback` when absent (the
 * documented default), undefined when it is an expression or something else.
 */
export function bool(v: unknown, fallback?: boolean | null): boolean | null | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
  }
  return undefined;
}

export function num(v: unknown, fallback?: number | null): number | null | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) return Number(v);
  return undefined;
}

/** Parse a JSON document held in a string (policies, Config supplementary values); the string otherwise. */
export function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

export function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string');
}

/** `arn:partition:service:region:account:resource` */
export function parseArn(arn: string | null | undefined): { service: string; region: string; account: string; resource: string } | null {
  if (!arn || !arn.startsWith('arn:')) return null;
  const parts = arn.split(':');
  if (parts.length < 6) return null;
  return { service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}
