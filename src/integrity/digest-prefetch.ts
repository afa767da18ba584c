import type { DigestKey } from './key-layout';

/**
 * A chain is walked one digest at a time, newest first, and on S3 each step is a round trip. The
 * listing already says which digests come next, so the next `depth` older listed keys are
 * started early (through the caller's limiter); the walk then finds them done. Each result is
 * handed out once and forgotten, so at most `depth` digests wait in memory.
 */
export function prefetching<T>(listed: readonly DigestKey[], bucket: string, depth: number, run: (bucket: string, dk: DigestKey) => Promise<T>): (bucket: string, dk: DigestKey) => Promise<T> {
  const ahead = new Map<string, Promise<T>>();
  const started = new Set<string>();
  const start = (b: string, dk: DigestKey): Promise<T> => {
    started.add(`${b}/${dk.key}`);
    const p = run(b, dk);
    // A prefetched digest the walk never asks for must not surface as an unhandled rejection.
    p.catch(() => undefined);
    return p;
  };
  return (b, dk) => {
    const id = `${b}/${dk.key}`;
    let p = ahead.get(id);
    ahead.delete(id);
    if (!p) p = start(b, dk);
    if (b === bucket && depth > 0) {
      // listed is ascending by stamp: the ones just before this stamp are the walk's next steps.
      let i = listed.length;
      while (i > 0 && listed[i - 1].stamp >= dk.stamp) i--;
      for (let j = i - 1; j >= 0 && j >= i - depth; j--) {
        const next = listed[j];
        const nid = `${bucket}/${next.key}`;
        if (!started.has(nid)) ahead.set(nid, start(bucket, next));
      }
    }
    return p;
  };
}
