/** Exit codes, documented in the README ("Exit codes"). */
export const EXIT = {
  OK: 0,
  /** Failing findings at or above --fail-on, or (validate-logs) anything invalid or missing. */
  FINDINGS: 1,
  /** Usage error, unreadable configuration or rules under --strict, or no input could be read. */
  USAGE: 2,
} as const;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
