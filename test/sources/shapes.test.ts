import { classify, looksLikeCloudTrailRecord } from '../../src/sources/shapes';
import { parseRecordText } from '../../src/sources/parse-record';

const rec = { eventVersion: '1.09', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' };

describe('classify', () => {
  it('a plain record', () => {
    expect(classify(rec, 'plain')).toEqual({ type: 'record', record: rec, shape: 'record' });
  });

  it('EventBridge envelopes of every CloudTrail detail-type, leniently spelled', () => {
    for (const dt of ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console SignIn via CloudTrail', 'AWS Service Event via CloudTrail', 'AWS Console Action via CloudTrail', 'AWS Insight via CloudTrail']) {
      expect(classify({ 'detail-type': dt, source: 'aws.cloudtrail', detail: rec }, 'plain')).toEqual({ type: 'record', record: rec, shape: 'eventbridge' });
    }
    expect(classify({ 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'running' } }, 'plain')).toMatchObject({ type: 'skip', category: 'not-cloudtrail-eventbridge' });
    expect(classify({ 'detail-type': 'AWS API Call via CloudTrail', detail: { nothing: 1 } }, 'plain')).toMatchObject({ type: 'skip', category: 'not-cloudtrail-eventbridge' });
  });

  it('CloudWatch Logs events hand back their message', () => {
    const ev = { timestamp: 1, message: JSON.stringify(rec), ingestionTime: 2 };
    expect(classify(ev, 'plain')).toEqual({ type: 'message', text: ev.message });
    expect(classify(ev, 'log-events')).toEqual({ type: 'message', text: ev.message });
    expect(classify({ timestamp: 1 }, 'log-events')).toMatchObject({ type: 'skip', category: 'bad-log-event' });
  });

  it('unknown shapes are described without their values', () => {
    expect(classify({ a: 'secret', b: 2, c: 3, d: 4, e: 5 }, 'plain')).toEqual({ type: 'skip', category: 'unknown-shape', detail: 'an object with keys "a", "b", "c", "d", ... (5)' });
    expect(classify([1, 2], 'plain')).toEqual({ type: 'skip', category: 'unknown-shape', detail: 'an array of 2' });
    expect(classify('x', 'plain')).toEqual({ type: 'skip', category: 'unknown-shape', detail: 'a string' });
    expect(classify(null, 'plain')).toEqual({ type: 'skip', category: 'unknown-shape', detail: 'null' });
  });

  it('takes partial records (test fixtures) as records: one identifying field is enough', () => {
    expect(looksLikeCloudTrailRecord({ eventName: 'ConsoleLogin' })).toBe(true);
    expect(looksLikeCloudTrailRecord({ eventName: 1 })).toBe(false);
  });
});

describe('parseRecordText', () => {
  it('maps a JSON error inside a record to the line and column of the file', () => {
    expect(parseRecordText('{"a":1,\n "b" 2}', 'array', { line: 10, column: 5, index: 3 })).toEqual({
      ok: false,
      category: 'invalid-json',
      placed: true,
      detail: expect.stringMatching(/^invalid JSON at line 11 column 6 \(record 4\): /),
    });
    // Where the engine gives no position, the record's start is named.
    expect(parseRecordText('{"a":1,\n "b":}', 'array', { line: 10, column: 5, index: 3 })).toMatchObject({
      detail: expect.stringMatching(/^invalid JSON in record 4 starting at line 10 column 5: /),
    });
    expect(parseRecordText('{"a" 1}', 'line', { line: 2, column: 5 })).toMatchObject({ detail: expect.stringMatching(/^invalid JSON at line 2 column 10: /) });
  });

  it('unwraps export-task lines and log-event messages; a bad message is reported', () => {
    expect(parseRecordText(JSON.stringify(rec), 'export-line', { line: 1, column: 26 })).toEqual({ ok: true, records: [rec], shape: 'log-event' });
    expect(parseRecordText(JSON.stringify({ message: '{not json', timestamp: 1 }), 'events', { line: 1, column: 1 })).toMatchObject({
      ok: false,
      category: 'bad-log-event',
      detail: expect.stringMatching(/^invalid JSON in the log event message: /),
    });
  });

  it('expands a Records envelope met as one line', () => {
    expect(parseRecordText(JSON.stringify({ Records: [rec, rec] }), 'line', { line: 1, column: 1 })).toEqual({ ok: true, records: [rec, rec], shape: 'record' });
  });
});
