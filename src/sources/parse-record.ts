import type { CloudTrailRecord } from '../model/event';
import { describeJsonError } from '../util/json-position';
import type { Container } from './json-split';
import { classify, type ElementOrigin, type RecordShape, type SkipCategory } from './shapes';

/**
 * The one place record text becomes values: JSON.parse, then unwrap by shape. A fast path that
 * looks at raw text first (see raw-records.ts) calls this for the records it keeps.
 */

export type ParseOutcome =
  | { ok: true; records: CloudTrailRecord[]; shape: RecordShape }
  /** `placed`: the detail already names the place in the file (line, column and record). */
  | { ok: false; category: SkipCategory; detail: string; placed?: boolean };

/** Start of the text in the input, to turn positions inside it into the file's line and column. */
export interface TextOrigin {
  line: number;
  column: number;
  /** 0-based record index, named in messages. */
  index?: number;
}

function originOf(container: Container): ElementOrigin {
  if (container === 'events') return 'log-events';
  if (container === 'export-line') return 'log-message';
  return 'plain';
}

/** `at` maps positions to the file; without it they are given inside the text (an escaped message). */
function parse(text: string, at: TextOrigin | undefined, what: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const e = describeJsonError(err, text);
    if (!at) return { ok: false, detail: `${what}: ${e.message}` };
    const record = at.index !== undefined ? `record ${at.index + 1} ` : '';
    // Some engine messages carry no position: name where the record starts instead.
    if (e.line === undefined || e.column === undefined) return { ok: false, detail: `${what} in ${record}starting at line ${at.line} column ${at.column}: ${e.message}` };
    const line = at.line + e.line - 1;
    const column = e.line === 1 ? at.column + e.column - 1 : e.column;
    const message = e.message.replace(/ at line \d+ column \d+$/, '');
    return { ok: false, detail: `${what} at line ${line} column ${column}${at.index !== undefined ? ` (record ${at.index + 1})` : ''}: ${message}` };
  }
}

export function parseRecordText(text: string, container: Container, at: TextOrigin): ParseOutcome {
  const parsed = parse(text, at, 'invalid JSON');
  if (!parsed.ok) return { ok: false, category: 'invalid-json', detail: parsed.detail, placed: true };
  let c = classify(parsed.value, originOf(container));
  if (c.type === 'message') {
    // Positions inside an escaped message do not map back to the file, so they stay relative to it.
    const inner = parse(c.text, undefined, 'invalid JSON in the log event message');
    if (!inner.ok) return { ok: false, category: 'bad-log-event', detail: inner.detail };
    c = classify(inner.value, 'log-message');
  }
  switch (c.type) {
    case 'record':
      return { ok: true, records: [c.record], shape: c.shape };
    case 'skip':
      return { ok: false, category: c.category, detail: c.detail };
    case 'message':
      return { ok: false, category: 'bad-log-event', detail: 'log event message wraps another log event' };
    case 'records': {
      const records: CloudTrailRecord[] = [];
      for (const v of c.values) {
        const inner = classify(v, 'log-message');
        if (inner.type !== 'record') {
          return { ok: false, category: 'unknown-shape', detail: `a "Records" envelope holding ${inner.type === 'skip' ? inner.detail : 'a nested envelope'}` };
        }
        records.push(inner.record);
      }
      return { ok: true, records, shape: 'record' };
    }
  }
}
