import { trailCoverage } from '../../src/resources/cloudtrail-selectors';
import { denyInsecureTransport } from '../../src/resources/s3-bucket-policy';

const fs = (field: string, o: Record<string, string[]> = {}) => ({ field, equals: [], notEquals: [], startsWith: [], notStartsWith: [], endsWith: [], notEndsWith: [], ...o });

describe('what a trail records, from classic and advanced event selectors', () => {
  test('no selectors at all is the AWS default: all management events, no data events', () => {
    expect(trailCoverage({ eventSelectors: [], advancedEventSelectors: [] })).toEqual({
      managementEvents: { read: true, write: true, excludedSources: [] },
      s3DataEvents: { read: false, write: false },
    });
  });

  test('selectors not known stay unknown', () => {
    expect(trailCoverage({}).managementEvents.read).toBeUndefined();
  });

  test('classic: ReadWriteType and S3 data resources for all buckets vs one bucket', () => {
    const c = trailCoverage({
      eventSelectors: [
        { readWriteType: 'WriteOnly', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'], dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] },
        { readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::one-bucket/'] }] },
      ],
    });
    expect(c.managementEvents).toEqual({ read: false, write: true, excludedSources: ['kms.amazonaws.com'] });
    expect(c.s3DataEvents).toEqual({ read: false, write: true });
  });

  test('advanced: readOnly narrows, an ARN prefix on one bucket or an eventName filter is not "all objects"', () => {
    const all = trailCoverage({
      advancedEventSelectors: [
        { name: 'mgmt', fieldSelectors: [fs('eventCategory', { equals: ['Management'] })] },
        { name: 's3 writes', fieldSelectors: [fs('eventCategory', { equals: ['Data'] }), fs('resources.type', { equals: ['AWS::S3::Object'] }), fs('readOnly', { equals: ['false'] })] },
      ],
    });
    expect(all.managementEvents).toMatchObject({ read: true, write: true });
    expect(all.s3DataEvents).toEqual({ read: false, write: true });

    const narrowed = trailCoverage({
      advancedEventSelectors: [
        { name: 'one bucket', fieldSelectors: [fs('eventCategory', { equals: ['Data'] }), fs('resources.type', { equals: ['AWS::S3::Object'] }), fs('resources.ARN', { startsWith: ['arn:aws:s3:::one-bucket/'] })] },
        { name: 'puts only', fieldSelectors: [fs('eventCategory', { equals: ['Data'] }), fs('resources.type', { equals: ['AWS::S3::Object'] }), fs('eventName', { equals: ['PutObject'] })] },
      ],
    });
    expect(narrowed.s3DataEvents).toEqual({ read: false, write: false });
    expect(narrowed.managementEvents).toMatchObject({ read: false, write: false });

    const prefixAll = trailCoverage({
      advancedEventSelectors: [{ name: 'all', fieldSelectors: [fs('eventCategory', { equals: ['Data'] }), fs('resources.type', { equals: ['AWS::S3::Object'] }), fs('resources.ARN', { startsWith: ['arn:aws:s3:::'] })] }],
    });
    expect(prefixAll.s3DataEvents).toEqual({ read: true, write: true });
  });
});

describe('TLS-only bucket policy', () => {
  const deny = (extra: Record<string, unknown> = {}) => ({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, ...extra }] });
  test.each([
    ['deny over plain HTTP', deny(), true],
    ['as JSON text', JSON.stringify(deny()), true],
    ['boolean false in the condition', deny({ Condition: { Bool: { 'aws:SecureTransport': false } } }), true],
    ['Principal {AWS: "*"}', deny({ Principal: { AWS: ['*'] } }), true],
    ['only s3:GetObject denied', deny({ Action: 's3:GetObject' }), false],
    ['allow instead of deny', deny({ Effect: 'Allow' }), false],
    ['no policy', null, false],
  ])('%s', (_name, policy, expected) => {
    expect(denyInsecureTransport(policy)).toBe(expected);
  });
  test('an unresolved expression or an unread policy is unknown', () => {
    expect(denyInsecureTransport('${data.aws_iam_policy_document.x.json}')).toBeUndefined();
    expect(denyInsecureTransport(undefined)).toBeUndefined();
  });
});
