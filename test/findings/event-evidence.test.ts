import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport } from '../../reports/write';
import { EVIDENCE_VALUE_CAP, type EventEvidence } from '../../src/findings/event-evidence';
import { findingCodec } from '../../src/findings/finding-codec';
import { ruleInsights } from '../../src/insights/rule-queries';
import { loadCatalogues } from '../../src/controls/catalogue';
import type { Finding, FindingsView } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { DATASETS } from '../support/paths';

/**
 * Every event finding keeps what an auditor asks for, whatever its rule read. Field names and
 * shapes as AWS documents the record: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * and userIdentity: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
const pack = loadRulePack();
const INVICTUS = join(DATASETS, 'invictus-aws_dataset', 'notable_events.jsonl');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'trailproof-evidence-'));
}

async function findingsOf(path: string): Promise<{ doc: FindingsView; findings: Finding[] }> {
  const doc = await runScan({ pack, events: [path], workers: 1 });
  return { doc, findings: [...doc.findings].filter((f) => f.subject.kind === 'event') };
}

describe('event findings carry full evidence', () => {
  test('on the Invictus dataset: each finding has the record identity, call, error and its file and line, as the record has them', async () => {
    const lines = readFileSync(INVICTUS, 'utf8').split('\n');
    const { findings } = await findingsOf(INVICTUS);
    expect(findings.length).toBeGreaterThan(20);
    let issuers = 0;
    let errors = 0;
    for (const f of findings) {
      const e = f.evidence.event as EventEvidence;
      if (f.subject.kind !== 'event') throw new Error('not an event finding');
      // the subject holds the call, time, place and file line; the evidence the rest, unrepeated
      const s = f.subject;
      expect(s.source.path).toBe(INVICTUS);
      const rec = JSON.parse(lines[s.source.line! - 1]) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(rec.eventID).toBe(s.eventId);
      expect([s.eventName, s.eventSource, s.eventTime, s.region, s.sourceIp]).toEqual([rec.eventName, rec.eventSource, rec.eventTime, rec.awsRegion, rec.sourceIPAddress]);
      expect(e.userAgent).toBe(rec.userAgent);
      expect(e.errorCode).toBe(rec.errorCode);
      expect(e.errorMessage).toBe(rec.errorMessage);
      expect(e.userIdentity?.type).toBe(rec.userIdentity?.type);
      expect(e.userIdentity?.arn).toBe(rec.userIdentity?.arn);
      expect(e.userIdentity?.accountId).toBe(rec.userIdentity?.accountId);
      expect(e.userIdentity?.accessKeyId).toBe(rec.userIdentity?.accessKeyId);
      const issuer = rec.userIdentity?.sessionContext?.sessionIssuer;
      if (issuer) {
        issuers++;
        expect(e.userIdentity?.sessionIssuer).toEqual({ type: issuer.type, arn: issuer.arn, accountId: issuer.accountId, userName: issuer.userName });
      }
      expect(e.userIdentity?.mfaAuthenticated).toBe(rec.userIdentity?.sessionContext?.attributes?.mfaAuthenticated);
      if (rec.errorCode) errors++;
      // small values are kept whole
      if (JSON.stringify(rec.requestParameters ?? null).length < EVIDENCE_VALUE_CAP) expect(e.requestParameters).toEqual(rec.requestParameters);
      if (JSON.stringify(rec.responseElements ?? null).length < EVIDENCE_VALUE_CAP) expect(e.responseElements).toEqual(rec.responseElements);
    }
    // the dataset has role sessions and failed calls: the checks above ran on them
    expect(issuers).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
  });

  test('a large requestParameters is cut to the cap with a note, and the cut survives the spill form', async () => {
    const rec = JSON.parse(readFileSync(INVICTUS, 'utf8').split('\n')[0]) as Record<string, unknown>;
    const dir = tmp();
    const big = { policyDocument: 'é'.repeat(10_000) + '"<script>' };
    const path = join(dir, 'big.json');
    // a PutRolePolicy that CIS 4.4 matches, with a 20 KB policy
    writeFileSync(path, JSON.stringify({ Records: [{ ...rec, eventSource: 'iam.amazonaws.com', eventName: 'PutRolePolicy', errorCode: undefined, requestParameters: big }] }));
    const { findings } = await findingsOf(path);
    const f = findings.find((x) => x.ruleId === 'cis-iam-policy-changes')!;
    const e = f.evidence.event as EventEvidence;
    expect(typeof e.requestParameters).toBe('string');
    const kept = e.requestParameters as string;
    expect(Buffer.byteLength(kept.slice(0, -1))).toBeLessThanOrEqual(EVIDENCE_VALUE_CAP);
    expect(Buffer.byteLength(kept.slice(0, -1))).toBeGreaterThan(EVIDENCE_VALUE_CAP - 4);
    expect(JSON.stringify(big).startsWith(kept.slice(0, -1))).toBe(true);
    expect(kept.endsWith('…')).toBe(true);
    expect(e.cut).toEqual([expect.stringContaining(`requestParameters: ${Buffer.byteLength(JSON.stringify(big))} bytes of JSON, cut to the first ${EVIDENCE_VALUE_CAP}`)]);
    // a one-line JSON file: line 1, record 0 of its Records
    expect(f.subject.source).toEqual({ path, index: 0, line: 1 });
    const codec = findingCodec(pack.rules);
    const encoded = codec.encode(f);
    expect(encoded.startsWith('[')).toBe(true); // still the compact form
    expect(codec.decode(encoded)).toEqual(f);
  });

  test('report.html shows the evidence per finding, escaped: a hostile userAgent stays text', async () => {
    const rec = JSON.parse(readFileSync(INVICTUS, 'utf8').split('\n')[0]) as Record<string, unknown>;
    const dir = tmp();
    const path = join(dir, 'hostile.json');
    const ua = '<img src=x onerror=alert(1)>"&\'';
    writeFileSync(path, JSON.stringify({ Records: [{ ...rec, eventSource: 'iam.amazonaws.com', eventName: 'PutRolePolicy', userAgent: ua, errorCode: undefined }] }));
    const { doc } = await findingsOf(path);
    const html = renderReport('html', doc, { rules: pack.rules, catalogues: loadCatalogues() });
    expect(html).toContain('<table class="event-evidence">');
    expect(html).toContain('<th>user agent</th><td class="mono">&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain(`<th>log file</th><td class="mono">${path}:1</td>`);
    expect(html).toContain('<th>Logs Insights query</th><td class="mono">trailproof/cis-iam-policy-changes, from ');
    expect(html).toContain('| filter eventName in [&quot;DeleteGroupPolicy&quot;');
  });

  test('each event finding cites its rule\'s saved Logs Insights query with the hour either side of the event; the spill form holds only the window', async () => {
    const { findings } = await findingsOf(INVICTUS);
    const codec = findingCodec(pack.rules);
    for (const f of findings) {
      if (f.subject.kind !== 'event') continue;
      const rule = pack.rules.find((r) => r.id === f.ruleId)!;
      const li = f.evidence.logsInsights as { queryDefinition: string; query: string; startTime: string; endTime: string };
      expect(li.queryDefinition).toBe(`trailproof/${rule.id}`);
      expect(li.query).toBe(ruleInsights(rule)!.query);
      expect(li.query).toContain('| filter ');
      const t = Date.parse(f.subject.eventTime!);
      expect([Date.parse(li.startTime), Date.parse(li.endTime)]).toEqual([t - 3_600_000, t + 3_600_000]);
      // evidence.logsInsights sits just before the pattern, as the codec expects
      expect(Object.keys(f.evidence).slice(-2)).toEqual(['logsInsights', 'filterPattern']);
      const encoded = codec.encode(f);
      expect(encoded.startsWith('[')).toBe(true);
      expect(encoded).not.toContain('| filter ');
      expect(codec.decode(encoded)).toEqual(f);
      expect(JSON.stringify(codec.decode(encoded))).toBe(JSON.stringify(f));
    }
  });
});
