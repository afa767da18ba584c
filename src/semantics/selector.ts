/**
 * CloudWatch Logs JSON selectors: `$.a.b`, `$.a[0]`, `$.c[0][1]`. There are no wildcards or
 * recursive descent in the filter syntax, so neither is supported here.
 */
export type Segment = string | number;

const cache = new Map<string, Segment[]>();

export class SelectorError extends Error {
  constructor(
    message: string,
    readonly selector: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'SelectorError';
  }
}

const NAME = /[A-Za-z0-9_-]/;

export function parseSelector(selector: string): Segment[] {
  const cached = cache.get(selector);
  if (cached) return cached;
  if (selector[0] !== '$') throw new SelectorError(`selector must start with "$"`, selector, 0);
  const segments: Segment[] = [];
  let i = 1;
  while (i < selector.length) {
    const c = selector[i];
    if (c === '.') {
      let j = i + 1;
      while (j < selector.length && NAME.test(selector[j])) j++;
      if (j === i + 1) throw new SelectorError(`expected a field name after "."`, selector, i + 1);
      segments.push(selector.slice(i + 1, j));
      i = j;
    } else if (c === '[') {
      const close = selector.indexOf(']', i);
      const digits = close < 0 ? '' : selector.slice(i + 1, close);
      if (!/^[0-9]+$/.test(digits)) throw new SelectorError(`expected an array index like [0]`, selector, i);
      segments.push(Number(digits));
      i = close + 1;
    } else {
      throw new SelectorError(`unexpected "${c}" in selector`, selector, i);
    }
  }
  if (segments.length === 0) throw new SelectorError(`selector names no field`, selector, 1);
  cache.set(selector, segments);
  return segments;
}

/** `undefined` means the path is missing: CloudWatch treats that differently from JSON null. */
export function resolveSegments(value: unknown, segments: readonly Segment[]): unknown {
  let cur: unknown = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return undefined;
      cur = cur[seg];
    } else {
      if (Array.isArray(cur)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

export function resolveSelector(value: unknown, selector: string): unknown {
  return resolveSegments(value, parseSelector(selector));
}
