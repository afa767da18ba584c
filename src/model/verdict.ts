import type { FailOn } from './severity';

/** The kinds of input a command can be asked to read, by the option that names them. */
export type InputGroup = 'events' | 'iac' | 'config' | 'live';

/** A requested kind of input of which nothing was read: the run judged nothing there. */
export interface UnreadInput {
  group: InputGroup | 'input';
  /** The option as the user typed it (or "input" when the caller did not say what it asked for). */
  flag: string;
  /** Why, in a few words: "0 events", "no Terraform resources". */
  reason: string;
}

/** What the gate decided, as every report and the exit code tell it (src/findings/verdict.ts). */
export interface Verdict {
  /** True when failing findings block; a NO INPUT verdict may block too (see `noInput`). */
  failed: boolean;
  /** Some requested input gave nothing to judge: the run proves nothing there (exit 2), whatever the findings. */
  noInput: boolean;
  unread: UnreadInput[];
  /** How many findings block (counted, not kept: a large scan can have a great many). */
  blocking: number;
  /** Among them, failing monitoring chains, which block whatever their severity. */
  brokenChains: number;
  /** Controls that lost coverage against the baseline, when that blocks. */
  coverageLost: number;
  failOn: FailOn;
  newOnly: boolean;
  /** Plain text, e.g. "FAIL: 3 new failing findings at or above high"; a NO INPUT verdict never says PASS. */
  text: string;
}
