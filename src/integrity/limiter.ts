/**
 * At most `n` tasks in flight. Each log check holds its compressed file in memory while it runs,
 * so this bound is what bounds memory. `urgent` tasks (the digest a chain walk waits on) go to
 * the front of the queue: every log file read depends on the walk getting ahead.
 */
export function createLimiter(n: number): <T>(task: () => Promise<T>, urgent?: boolean) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>, urgent = false): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => (urgent ? waiting.unshift(r) : waiting.push(r)));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
