import { matchesMessage, testMetricFilter } from '../../src/pattern/evaluate';
import { parseFilterPattern } from '../../src/pattern/parse';

/**
 * Golden cases: the example events and patterns of AWS's filter-pattern documentation
 * ("Using filter patterns to match terms in JSON log events", the space-delimited and term
 * pages, the CIS/Security Hub controls) with the verdict AWS documents for each.
 */

const matches = (pattern: string, message: string) => matchesMessage(parseFilterPattern(pattern).pattern, message);

// The documentation's first example event (one line, as TestMetricFilter wants it).
const TRAIL_EVENT = JSON.stringify({
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [
    { name: 'a', id: 1 },
    { name: 'b', id: 2 },
  ],
  SomeObject: null,
  'cluster.name': 'c',
  ThisFlag: true,
});

// The documentation's compound-expression example event.
const USERS_EVENT = JSON.stringify({
  user: { id: 1, email: 'John.Doe@example.com' },
  users: [
    { id: 2, email: 'John.Doe@example.com' },
    { id: 3, email: 'Jane.Doe@example.com' },
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 1],
    [2, 3],
  ],
});

describe('JSON patterns on the documentation example events', () => {
  test.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType = "updatetrail" }', false],
    ['{ $.sourceIPAddress != 123.123.* }', true],
    ['{ $.sourceIPAddress = 111.111.* }', true],
    ['{ $.arrayKey[0] = "value" }', true],
    ['{ $.arrayKey[1] = "value" }', false],
    ['{ $.arrayKey = "value" }', false],
    ['{ $.objectList[1].id = 2 }', true],
    ['{ $.objectList[1].id > 1 }', true],
    ['{ $.objectList[5].id = 2 }', false],
    ['{ $.SomeObject IS NULL }', true],
    ['{ $.SomeOtherObject NOT EXISTS }', true],
    ['{ $.SomeObject NOT EXISTS }', false],
    ['{ $.ThisFlag IS TRUE }', true],
    ['{ $.ThisFlag IS FALSE }', false],
    ['{ $.eventType = %Trail$% }', true],
    ['{ $.eventType = %^Trail% }', false],
  ])('%s -> %s', (pattern, verdict) => {
    expect(matches(pattern, TRAIL_EVENT)).toBe(verdict);
  });

  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    // The precedence case: && binds tighter, so this is A || (B && C), and A holds.
    ['{ $.user.email = "John.Doe@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    ['{ ($.user.email = "John.Doe@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', false],
    ['{ $.coordinates[1][0] = 2 }', true],
    ['{ $.coordinates[0] = 0 }', false],
    ['{ $.users[1].email = "Jane.*" }', true],
  ])('%s -> %s', (pattern, verdict) => {
    expect(matches(pattern, USERS_EVENT)).toBe(verdict);
  });
});

describe('!= on a missing field (DataBiosphere/azul#5884, confirmed with TestMetricFilter)', () => {
  const pattern = '{($.errorCode = "AccessDenied") && ($.userIdentity.invokedBy != "cloudfront.amazonaws.com")}';
  test('an event without invokedBy does not match', () => {
    expect(matches(pattern, JSON.stringify({ errorCode: 'AccessDenied', userIdentity: { type: 'IAMUser' } }))).toBe(false);
  });
  test('an event with another invokedBy matches', () => {
    expect(matches(pattern, JSON.stringify({ errorCode: 'AccessDenied', userIdentity: { invokedBy: 's3.amazonaws.com' } }))).toBe(true);
  });
});

describe('CIS / Security Hub patterns (spec B.9)', () => {
  const root = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
  test.each([
    [{ userIdentity: { type: 'Root' }, eventType: 'AwsApiCall' }, true],
    [{ userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' }, eventType: 'AwsApiCall' }, false],
    [{ userIdentity: { type: 'Root' }, eventType: 'AwsServiceEvent' }, false],
    [{ userIdentity: { type: 'root' }, eventType: 'AwsApiCall' }, false],
  ])('root usage %j -> %s', (event, verdict) => expect(matches(root, JSON.stringify(event))).toBe(verdict));

  const unauthorized = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';
  test.each([
    ['Client.UnauthorizedOperation', true],
    ['UnauthorizedOperation', true],
    ['AccessDenied', true],
    ['AccessDeniedException', true],
    ['accessdenied', false],
    ['ThrottlingException', false],
  ])('unauthorized calls errorCode %s -> %s', (code, verdict) => expect(matches(unauthorized, JSON.stringify({ errorCode: code }))).toBe(verdict));

  const mfa = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }';
  test('console login without MFA: missing MFAUsed does not match (B.9)', () => {
    expect(matches(mfa, JSON.stringify({ eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: 'No' } }))).toBe(true);
    expect(matches(mfa, JSON.stringify({ eventName: 'ConsoleLogin', additionalEventData: {} }))).toBe(false);
  });

  test('no-whitespace and mixed-quoting forms parse and match', () => {
    expect(matches('{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)}', '{"eventName":"DeleteRolePolicy"}')).toBe(true);
    expect(matches('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }', '{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}')).toBe(true);
  });
});

describe('non-JSON messages and kinds', () => {
  test('a JSON pattern never matches a message that is not JSON', () => {
    expect(matches('{ $.a NOT EXISTS }', 'not json at all')).toBe(false);
    expect(matches('{ $.a NOT EXISTS }', '{}')).toBe(true);
  });
  test('empty pattern and " " match everything', () => {
    expect(matches('', 'anything')).toBe(true);
    expect(matches('" "', 'anything')).toBe(true);
    expect(matches('  ', '{"a":1}')).toBe(true);
  });
});

describe('term patterns (documentation examples)', () => {
  const lines = ['[ERROR] Caught IllegalArgumentException', '[ERROR] Unhandled Exception', '[WARN] some message', 'INFO ERROR ARGUMENTS bad'];
  test.each([
    ['ERROR', [1, 2, 4]],
    ['ERROR Exception', [1, 2]],
    ['ERROR -ARGUMENTS', [1, 2]],
    ['?ERROR ?WARN', [1, 2, 3, 4]],
    ['"Unhandled Exception"', [2]],
    ['error', []],
  ])('%s matches events %j', (pattern, numbers) => {
    const { matches: m } = testMetricFilter(parseFilterPattern(pattern).pattern, lines);
    expect(m.map((x) => x.eventNumber)).toEqual(numbers);
  });
});

describe('term patterns (older developer guide examples)', () => {
  // That guide lists "Exiting with ERRORCODE: -1" as a match for ERROR: terms are not whole words.
  test.each([
    ['ERROR', '[ERROR] A fatal exception has occurred', true],
    ['ERROR', 'Exiting with ERRORCODE: -1', true],
    ['ERROR Exception', '[ERROR] Caught IllegalArgumentException', true],
    ['"Failed to process the request"', '[WARN] Failed to process the request', true],
    ['"Failed to process the request"', '[ERROR] Unable to continue: Failed to process the request', true],
    ['"Failed to process the request"', '[ERROR] Failed to process request', false],
  ])('%s on %j -> %s', (pattern, message, verdict) => expect(matches(pattern, message)).toBe(verdict));
});

describe('space-delimited patterns (documentation Apache example)', () => {
  const log = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534';
  const notFound = '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 404 20';
  test.each([
    ['[ip, user, username, timestamp, request, status_code, bytes]', true, true],
    ['[ip, user, username, timestamp, request, status_code = 4*, bytes]', false, true],
    ['[ip, user, username, timestamp, request = "*.html*", status_code, bytes]', false, true],
    ['[..., status_code = 404, bytes]', false, true],
    ['[ip, ..., bytes > 1000]', true, false],
    ['[ip, user, username, timestamp, request, status_code = 404 || status_code = 410, bytes]', false, true],
    ['[ip, user, username, timestamp, request, status_code != 200 && status_code != 304, bytes]', false, true],
    ['[ip, user]', false, false],
  ])('%s', (pattern, onLog, onNotFound) => {
    const p = parseFilterPattern(pattern).pattern;
    expect([matchesMessage(p, log), matchesMessage(p, notFound)]).toEqual([onLog, onNotFound]);
  });

  test('TestMetricFilter-style extracted values, 1-based event numbers', () => {
    const r = testMetricFilter(parseFilterPattern('[ip, user, username, timestamp, request, status_code, bytes]').pattern, ['nope', log]);
    expect(r.matches).toEqual([
      {
        eventNumber: 2,
        eventMessage: log,
        extractedValues: {
          $ip: '127.0.0.1',
          $user: '-',
          $username: 'frank',
          $timestamp: '10/Oct/2000:13:25:15 -0700',
          $request: 'GET /apache_pb.gif HTTP/1.0',
          $status_code: '200',
          $bytes: '1534',
        },
      },
    ]);
  });
});

describe('standalone regex', () => {
  test.each([
    ['%ERROR%', 'an ERROR here', true],
    ['%^ERROR%', 'an ERROR here', false],
    ['%[0-9]{3}%', 'status 404', true],
    ['%Unauthorized|Denied%', 'AccessDenied', true],
    ['%AUTHORIZED%', '[ERROR 401] UNAUTHORIZED REQUEST', true],
    ['%AUTHORIZED%', '[SUCCESS 200] AUTHORIZED REQUEST', true],
    ['%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%', 'from 10.0.12.7 port 22', true],
    ['%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%', 'from host-a port 22', false],
    ['%[Ee]rror|[Ff]ail%', 'request failed', true],
    ['%[Ee]rror|[Ff]ail%', 'all good', false],
  ])('%s on %j -> %s', (pattern, message, verdict) => expect(matches(pattern, message)).toBe(verdict));
});
