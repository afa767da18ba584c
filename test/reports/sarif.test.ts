import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyBaseline } from '../../src/findings/baseline';
import { applySuppressions } from '../../src/findings/suppress';
import { renderSarif, SARIF_SCHEMA_URI } from '../../reports/sarif';
import { REPO, DATASETS } from '../support/paths';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';

// The OASIS SARIF 2.1.0 schema shipped in the repo (a third-party schema: ajv's strict mode is for our own).
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas', 'sarif-2.1.0.json'), 'utf8')));

function valid(log: unknown): void {
  const ok = validateSarif(log);
  if (!ok) throw new Error(JSON.stringify(validateSarif.errors?.slice(0, 5), null, 2));
}

type Log = { runs: { tool: { driver: { rules: Record<string, any>[] } }; results: Record<string, any>[]; artifacts: Record<string, any>[]; invocations: Record<string, any>[] }[] };

const ctx = { rules: RULES, catalogues: CATALOGUES, baseDir: DATASETS };

describe('report.sarif', () => {
  test('the shipped schema rejects what SARIF forbids (the test would catch a broken report)', () => {
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).toBe(false);
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: {} }] }] })).toBe(false);
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  test('a report from real events validates against SARIF 2.1.0; rules carry help, severity and control tags', () => {
    const log = renderSarif(stratusDocument(), ctx) as unknown as Log & { $schema: string };
    valid(log);
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    const rule = log.runs[0].tool.driver.rules.find((r) => r.id === 'test-cloudtrail-tampering')!;
    expect(rule.help.text).toContain('Remediation: Remediate test-cloudtrail-tampering');
    expect(rule.help.markdown).toContain('`cis-aws@3.0.0:4.5`');
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'cis-aws@3.0.0:4.5', 'nist-800-53@r5:AU-6']));
    expect(rule.properties['security-severity']).toBe('8.0');
    expect(rule.defaultConfiguration.level).toBe('error');
    expect(rule.helpUri).toMatch(/^https:\/\//);
  });

  test('event results point at the log file; IaC results at cdk.tf.json, the resource line and the construct path', () => {
    const doc = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'], extra: [resourceFinding({ line: 57, path: join(DATASETS, 'cdktf.out/stacks/audit-stack/cdk.tf.json') })] });
    const log = renderSarif(doc, ctx) as unknown as Log;
    valid(log);
    const results = log.runs[0].results;
    const ev = results.find((r) => r.ruleId === 'test-cloudtrail-tampering')!;
    expect(ev.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-stop.json', uriBaseId: '%SRCROOT%' });
    expect(ev.locations[0].logicalLocations[0].fullyQualifiedName).toBe('cloudtrail.amazonaws.com:StopLogging');
    const iac = results.find((r) => r.ruleId === 'test-trail-multiregion')!;
    expect(iac.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'cdktf.out/stacks/audit-stack/cdk.tf.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 57 } });
    expect(iac.locations[0].logicalLocations[0]).toEqual({ name: 'aws_cloudtrail.audit', fullyQualifiedName: 'audit-stack/audit', kind: 'resource' });
    expect(iac.partialFingerprints['trailproofFindingId/v1']).toBe(doc.findings.find((f) => f.subject.kind === 'resource')!.id);
    // inputs are artifacts with their SHA-256
    const art = log.runs[0].artifacts.find((a) => a.location.uri.endsWith('cloudtrail-stop.json'))!;
    expect(art.hashes['sha-256']).toBe(doc.inputs[0].sha256);
  });

  test('muted findings are results with an accepted suppression; baseline state is carried', () => {
    const base = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'] });
    const now = applySuppressions(
      stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json', 'aws.persistence.iam-create-admin-user.json'] }),
      [{ source: 'w.yaml:3#/suppressions/0', rule: 'test-iam-changes', reason: 'break-glass user', owner: 'platform', expires: '2027-01-31' }],
      new Date('2026-11-25T00:00:00Z'),
    );
    const log = renderSarif(applyBaseline(now, base), ctx) as unknown as Log;
    valid(log);
    const muted = log.runs[0].results.filter((r) => r.suppressions);
    expect(muted.length).toBeGreaterThan(0);
    expect(muted[0].suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted', justification: 'break-glass user' });
    expect(new Set(log.runs[0].results.map((r) => r.baselineState))).toEqual(new Set(['new', 'unchanged']));
  });

  test('hostile event fields: still valid SARIF, control characters shown, markdown message escaped', () => {
    const log = renderSarif(stratusDocument({ mutate: hostileMutation }), ctx) as unknown as Log;
    valid(log);
    for (const r of log.runs[0].results) {
      expect(r.message.text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/);
      // every untrusted value sits in a code span; nothing outside it can form a link or tag
      const outside = (r.message.markdown as string).replace(/(`+)[\s\S]*?\1/g, '');
      expect(outside).not.toMatch(/<|\]\(|@(?!&#8203;)/);
    }
    expect(JSON.stringify(log)).toContain(HOSTILE.csv.replace(/"/g, '\\"'));
  });

  test('many inputs: artifacts and notifications are capped, the rest counted; still valid SARIF', () => {
    const many = Array.from({ length: 1_200 }, (_, i) => ({ path: join(DATASETS, `skipped-${i}.txt`), kind: 'unknown' as const, status: 'skipped' as const, records: 0, sha256: null, reason: 'not an event file' }));
    const log = renderSarif(stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json'], extraInputs: many }), ctx) as unknown as Log & { runs: { properties: Record<string, number> }[] };
    valid(log);
    const run = log.runs[0];
    expect(run.artifacts).toHaveLength(1_000);
    expect(run.properties.artifactsNotListed).toBe(201);
    const notes = run.invocations[0].toolExecutionNotifications as { message: { text: string } }[];
    expect(notes).toHaveLength(101);
    expect(notes[100].message.text).toBe('1100 more input(s) not fully read; every input is listed in findings.json.');
  });
});
