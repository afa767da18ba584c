/**
 * The one reading of a time given on the command line (`--start-time`, `--end-time` of every
 * command): an ISO 8601 date or date-time, and UTC when it names no zone, as aws-cli reads it.
 * JavaScript's Date would read a date-time without a zone as the machine's local time, so the same
 * command line would select other events on a laptop than in CI; it would also roll 2026-02-30
 * over into March. Both are ruled out here.
 */

export const TIME_FORMS = 'YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]; UTC when no zone is given';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** The instant `text` names, or undefined when it is not one of TIME_FORMS (or not a real date). */
export function parseTime(text: string): Date | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  const ms = frac ? Number(frac.slice(1, 4).padEnd(3, '0')) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC carries an impossible day into the next month: only a date that comes back whole exists.
  const back = new Date(local);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return new Date(local - offset * 60_000);
}

/** Minutes east of UTC for `Z`, `±hh`, `±hhmm` or `±hh:mm`; no zone is UTC. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
