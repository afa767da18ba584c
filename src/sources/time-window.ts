import type { CloudTrailRecord } from '../model/event';
import type { TimeWindow } from '../model/event-source';
import type { RecordScreen } from '../model/record-screen';

/**
 * A live source's time window applied to records: the archive's date folders are UTC days, so the
 * records at the edges of the first and last day are trimmed here. A record without a readable
 * eventTime is kept (no rule is hidden by a damaged time).
 */
export function inWindow(record: CloudTrailRecord, w: TimeWindow): boolean {
  return timeInWindow(typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN, w);
}

function timeInWindow(t: number, w: TimeWindow): boolean {
  if (w.since !== undefined && t < w.since.getTime()) return false;
  if (w.until !== undefined && t > w.until.getTime()) return false;
  return true;
}

const EVENT_TIME = /"eventTime"\s*:\s*"([^"\\]*)"/y;

/**
 * The record screen for a windowed read: a record the rules' screen passes over is still counted
 * without being parsed, but only when its raw text shows a time inside the window; any other is
 * parsed, so that one outside is dropped uncounted. "Shows" is strict: exactly one `"eventTime"`
 * in the record's text, followed by a plain string.
 */
export function windowedScreen(screen: RecordScreen | undefined, w: TimeWindow | undefined): RecordScreen | undefined {
  if (!screen || !w || (w.since === undefined && w.until === undefined)) return screen;
  let text = '';
  const shownInWindow = (start: number, end: number): boolean => {
    // A slice is a view in V8, not a copy; searching it keeps each look inside its own record.
    const rec = text.slice(start, end);
    const at = rec.indexOf('"eventTime"');
    if (at < 0 || rec.indexOf('"eventTime"', at + 1) >= 0) return false;
    EVENT_TIME.lastIndex = at;
    const m = EVENT_TIME.exec(rec);
    return m !== null && timeInWindow(Date.parse(m[1]), w);
  };
  return {
    reset(t) {
      text = t;
      screen.reset(t);
    },
    mayMatch(start, end) {
      // The rules' screen sees every range, in order, as its contract asks.
      return screen.mayMatch(start, end) || !shownInWindow(start, end);
    },
  };
}
