import { parseTime, TIME_FORMS } from '../util/time';
import { UsageError } from './command';

/**
 * The options several commands share, read one way everywhere: times (UTC when no zone is given)
 * and the aws-cli names for where AWS calls go (`--region`, `--endpoint-url`). Spellings an older
 * release used stay accepted, each with a one-line note on stderr, so no script breaks.
 */

/** A time option's value as a Date; a usage error naming the option when it is not a time. */
export function timeOption(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = parseTime(value);
  if (!d) throw new UsageError(`${flag}: not a time: ${value} (expected ${TIME_FORMS})`);
  return d;
}

/**
 * The value of an option given under its current name or an old one. The old one prints a note;
 * both at once is a usage error (which one was meant cannot be told).
 */
function renamedOption<T>(current: T | undefined, old: T | undefined, names: { current: string; old: string }, stderr: NodeJS.WritableStream = process.stderr): T | undefined {
  if (old === undefined) return current;
  if (current !== undefined) throw new UsageError(`--${names.old} is the old spelling of --${names.current}: give only one of them`);
  stderr.write(`trailproof: --${names.old} is deprecated; use --${names.current} (same meaning)\n`);
  return old;
}

/** `--endpoint-url`, or its old spelling `--endpoint`. */
export function endpointOption(values: { 'endpoint-url'?: string; endpoint?: string }): string | undefined {
  return renamedOption(values['endpoint-url'], values.endpoint, { current: 'endpoint-url', old: 'endpoint' });
}
