import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR, loadRulePack } from '../../src/rules/load';

const PATTERN = '{ ($.eventSource = "iam.amazonaws.com") && (($.eventName = "CreateUser") || ($.eventName = "DeleteUser")) }';

/** A small event rule in the file form a pack author writes: no conditions, no alarm, examples from base events. */
function eventRule(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: 'IAM user created or deleted',
    description: 'An IAM user was created or deleted.',
    severity: 'low',
    rationale: 'Users are long-lived credentials.',
    remediation: 'Confirm the change was planned.',
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users.html'],
    controls: [],
    target: 'event',
    cloudwatch: { filterPattern: PATTERN, metricName: `${id}_metric` },
    examples: [{ name: 'CreateUser matches', base: 'call', set: { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }, expect: 'match' }],
    ...extra,
  };
}

const CALL = {
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accessKeyId: 'AKIAEXAMPLE' },
  requestParameters: null,
  resources: [{ ARN: 'arn:a' }, { ARN: 'arn:b' }],
};

const DEFAULTS = {
  alarm: { statistic: 'Sum', period: 300, threshold: 1, evaluationPeriods: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' },
  baseEvents: {
    call: { input: CALL },
    'root-call': { base: 'call', unset: ['$.userIdentity.accessKeyId'], set: { userIdentity: { type: 'Root' } } },
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trailproof-rules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

/** A bad rule file costs only that rule, and the error names the file and the JSON pointer. */
describe('loading a pack with a bad rule file', () => {
  it('keeps the good rule and reports each bad file with a pointer', () => {
    mkdirSync(join(dir, 'cis'));
    copyFileSync(join(DEFAULT_RULES_DIR, 'defaults.json'), join(dir, 'defaults.json'));
    copyFileSync(join(DEFAULT_RULES_DIR, 'cis', 'cis-root-account-usage.json'), join(dir, 'cis', 'cis-root-account-usage.json'));
    const flowLogs = loadRulePack().rules.find((r) => r.id === 'vpc-flow-logs-deleted')!;
    const bad = JSON.parse(JSON.stringify({ ...flowLogs, sourcePath: undefined }));
    bad.conditions.all[1].operator = 'equal';
    write('bad-operator.json', bad);
    write('truncated.json', '{"id": "x", "title": ');
    const pack = loadRulePack({ dir });
    expect(pack.rules.map((r) => r.id)).toEqual(['cis-root-account-usage']);
    const operator = pack.errors.find((e) => e.path.endsWith('bad-operator.json'));
    expect(operator?.pointer).toBe('/conditions/all/1/operator');
    expect(operator?.message).toMatch(/cwEquals/);
    const truncated = pack.errors.find((e) => e.path.endsWith('truncated.json'));
    expect(truncated?.message).toMatch(/invalid JSON/);
  });
});

describe('examples from base events', () => {
  it('merges set over the base (objects key by key, arrays and null replace) after removing unset fields', () => {
    write('defaults.json', DEFAULTS);
    write(
      'r.json',
      eventRule('r', {
        examples: [
          { name: 'a', base: 'call', set: { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', userIdentity: { userName: 'bob' }, resources: [{ ARN: 'arn:c' }] }, expect: 'match' },
          { name: 'b', base: 'root-call', unset: ['$.resources[0]', '$.requestParameters'], set: { eventName: 'DeleteUser', userIdentity: null }, expect: 'no-match' },
          { name: 'c', input: { eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' }, expect: 'match' },
        ],
      }),
    );
    const pack = loadRulePack({ dir });
    expect(pack.errors).toEqual([]);
    expect(pack.rules[0].examples).toEqual([
      {
        name: 'a',
        input: { ...CALL, eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', userIdentity: { ...CALL.userIdentity, userName: 'bob' }, resources: [{ ARN: 'arn:c' }] },
        expect: 'match',
      },
      { name: 'b', input: { eventSource: 'ec2.amazonaws.com', eventName: 'DeleteUser', userIdentity: null, resources: [{ ARN: 'arn:b' }] }, expect: 'no-match' },
      { name: 'c', input: { eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' }, expect: 'match' },
    ]);
  });

  it('a base event derived from another starts from a copy: the first is unchanged', () => {
    write('defaults.json', DEFAULTS);
    write('r.json', eventRule('r', { examples: [{ name: 'a', base: 'call', expect: 'no-match' }, { name: 'b', base: 'root-call', expect: 'no-match' }] }));
    const [a, b] = loadRulePack({ dir }).rules[0].examples;
    expect(a.input).toEqual(CALL);
    expect(b.input.userIdentity).toEqual({ type: 'Root', arn: 'arn:aws:iam::111122223333:user/alice' });
  });

  it('an unknown base name is an error naming the rule file and the example, and costs only that rule', () => {
    write('defaults.json', DEFAULTS);
    write('good.json', eventRule('good'));
    const bad = write('bad.json', eventRule('bad', { examples: [...(eventRule('x').examples as unknown[]), { name: 'typo', base: 'cal', expect: 'match' }] }));
    const pack = loadRulePack({ dir });
    expect(pack.rules.map((r) => r.id)).toEqual(['good']);
    expect(pack.errors).toEqual([{ path: bad, pointer: '/examples/1/base', message: expect.stringMatching(/unknown base event "cal".*call, root-call/) }]);
  });

  it('unsetting a field the base does not have is an error at that selector', () => {
    write('defaults.json', DEFAULTS);
    const file = write('r.json', eventRule('r', { examples: [{ name: 'a', base: 'call', unset: ['$.errorCode'], expect: 'no-match' }] }));
    expect(loadRulePack({ dir }).errors).toEqual([{ path: file, pointer: '/examples/0/unset/0', message: 'unset $.errorCode: the base event has no such field' }]);
  });

  it('the schema takes either an input or a base, and set/unset only with a base', () => {
    write('defaults.json', DEFAULTS);
    const both = write('both.json', eventRule('both', { examples: [{ name: 'a', base: 'call', input: {}, expect: 'match' }] }));
    const loose = write('loose.json', eventRule('loose', { examples: [{ name: 'a', input: {}, set: { eventName: 'x' }, expect: 'match' }] }));
    const pack = loadRulePack({ dir });
    expect(pack.rules).toEqual([]);
    expect(pack.errors.filter((e) => e.path === both).map((e) => e.pointer)).toEqual(['/examples/0']);
    expect(pack.errors.filter((e) => e.path === loose).map((e) => [e.pointer, e.message])).toEqual([['/examples/0', expect.stringMatching(/base/)]]);
  });

  it('a base event cycle or unknown base in defaults.json is reported against defaults.json', () => {
    const defaults = write('defaults.json', { ...DEFAULTS, baseEvents: { a: { base: 'b' }, b: { base: 'a' }, c: { base: 'nope' } } });
    const errors = loadRulePack({ dir }).errors.filter((e) => e.path === defaults);
    expect(errors).toEqual([{ path: defaults, pointer: expect.stringMatching(/^\/baseEvents\/[ab]$/), message: expect.stringMatching(/starts from itself/) }]);
  });
});

describe('conditions derived from the filter pattern', () => {
  it('a rule without conditions gets the pattern as conditions, a plain list as cwIn', () => {
    write('defaults.json', DEFAULTS);
    write('r.json', eventRule('r'));
    const rule = loadRulePack({ dir }).rules[0];
    expect(rule.conditions).toEqual({
      all: [
        { fact: 'event', path: '$.eventSource', operator: 'cwEquals', value: 'iam.amazonaws.com' },
        { fact: 'event', path: '$.eventName', operator: 'cwIn', value: ['CreateUser', 'DeleteUser'] },
      ],
    });
  });

  it('wildcard alternatives stay separate cwEquals leaves, as a rule writes them', () => {
    write('defaults.json', DEFAULTS);
    write('r.json', eventRule('r', { cloudwatch: { filterPattern: '{ ($.errorCode = "*Denied") || ($.errorCode = "Unauthorized*") }', metricName: 'm' }, examples: [] }));
    expect(loadRulePack({ dir }).rules[0].conditions).toEqual({
      any: [
        { fact: 'event', path: '$.errorCode', operator: 'cwEquals', value: '*Denied' },
        { fact: 'event', path: '$.errorCode', operator: 'cwEquals', value: 'Unauthorized*' },
      ],
    });
  });

  it('stated conditions are kept as written (rules lint checks they equal the pattern)', () => {
    write('defaults.json', DEFAULTS);
    const conditions = { any: [{ fact: 'event', path: '$.eventName', operator: 'cwEquals', value: 'CreateUser' }] };
    write('r.json', eventRule('r', { conditions }));
    expect(loadRulePack({ dir }).rules[0].conditions).toEqual(conditions);
  });

  it('a pattern that cannot give conditions is an error at the pattern', () => {
    write('defaults.json', DEFAULTS);
    const text = write('text.json', eventRule('text', { cloudwatch: { filterPattern: 'ERROR', metricName: 'm1' } }));
    const broken = write('broken.json', eventRule('broken', { cloudwatch: { filterPattern: '{ $.eventName = ', metricName: 'm2' } }));
    const errors = loadRulePack({ dir }).errors;
    expect(errors.map((e) => [e.path, e.pointer])).toEqual([
      [broken, '/cloudwatch/filterPattern'],
      [text, '/cloudwatch/filterPattern'],
    ]);
    expect(errors[1].message).toMatch(/JSON filter pattern/);
  });

  it('a resource rule still needs its conditions', () => {
    write('defaults.json', DEFAULTS);
    const file = write('res.json', { ...eventRule('res'), target: 'resource', resourceType: 'AWS::CloudTrail::Trail', cloudwatch: undefined, examples: [] });
    expect(loadRulePack({ dir }).errors).toEqual([{ path: file, pointer: '', message: "must have required property 'conditions'" }]);
  });
});

describe('the pack defaults file', () => {
  it('gives a rule the alarm settings it does not state; the rule wins where it does', () => {
    write('defaults.json', DEFAULTS);
    write('a.json', eventRule('a'));
    write('b.json', eventRule('b', { cloudwatch: { filterPattern: PATTERN, metricName: 'b', alarm: { period: 60, treatMissingData: 'breaching' } } }));
    const [a, b] = loadRulePack({ dir }).rules;
    expect(a.cloudwatch!.alarm).toEqual(DEFAULTS.alarm);
    expect(b.cloudwatch!.alarm).toEqual({ ...DEFAULTS.alarm, period: 60, treatMissingData: 'breaching' });
  });

  it('is not a rule, and its bytes count in the pack hash', () => {
    write('defaults.json', DEFAULTS);
    write('a.json', eventRule('a'));
    const first = loadRulePack({ dir });
    expect(first.rules.map((r) => r.id)).toEqual(['a']);
    write('defaults.json', { ...DEFAULTS, alarm: { ...DEFAULTS.alarm, period: 600 } });
    const second = loadRulePack({ dir });
    expect(second.rules[0].cloudwatch!.alarm.period).toBe(600);
    expect(second.sha256).not.toBe(first.sha256);
  });

  it('without one, a rule that states no alarm is an error naming what is missing', () => {
    const file = write('a.json', eventRule('a', { examples: [] }));
    expect(loadRulePack({ dir }).errors).toEqual([
      { path: file, pointer: '/cloudwatch/alarm', message: expect.stringMatching(/^no statistic, period, threshold, evaluationPeriods, comparisonOperator: set by neither/) },
    ]);
  });

  it('is validated: treatMissingData is the deployment\'s, not the pack\'s', () => {
    const defaults = write('defaults.json', { ...DEFAULTS, alarm: { ...DEFAULTS.alarm, treatMissingData: 'breaching' } });
    expect(loadRulePack({ dir }).errors.filter((e) => e.path === defaults).map((e) => e.pointer)).toEqual(['/alarm']);
  });
});

describe('the bundled pack', () => {
  it('states no conditions, alarm defaults or whole example events an event rule can leave to the pack', () => {
    const pack = loadRulePack();
    const events = pack.rules.filter((r) => r.target === 'event');
    expect(events.length).toBeGreaterThanOrEqual(30);
    for (const r of events) {
      const file = require(r.sourcePath) as { conditions?: unknown; cloudwatch: { alarm?: unknown }; examples: { input?: unknown }[] };
      expect([r.id, file.conditions, file.cloudwatch.alarm, file.examples.filter((e) => e.input).length]).toEqual([r.id, undefined, undefined, 0]);
    }
  });
});
