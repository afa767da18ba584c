import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { insightsQuery } from '../../src/insights/translate';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { runQuery } from '../support/insights-interpreter';
import { FIXTURES } from '../support/paths';

/**
 * Detections on CloudTrail Insights events, on a log file of the shape AWS documents for trails
 * (test/fixtures/insights/README.md): each unusual period is one Start and one End record sharing
 * a sharedEventID; the rules fire once per period, on its Start.
 */
const DIR = join(FIXTURES, 'insights');
const pack = loadRulePack();

function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (n.name.endsWith('.json.gz')) out.push(...(JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')) as { Records: Record<string, unknown>[] }).Records);
    }
  };
  walk(DIR);
  return out;
}

describe('CloudTrail Insights events', () => {
  test('the Insights rules are data: found under rules/insights/, each an event rule with a metric filter', () => {
    const ids = pack.rules.filter((r) => r.sourcePath.includes('/insights/')).map((r) => r.id).sort();
    expect(ids).toEqual(['cloudtrail-insights-api-call-rate', 'cloudtrail-insights-api-error-rate', 'cloudtrail-insights-sensitive-service']);
  });

  test('a CloudTrail-Insight log file: one finding per unusual period and rule, on its Start; End records match nothing', async () => {
    const doc = await runScan({ pack, events: [DIR], workers: 1 });
    const gz = doc.inputs.filter((i) => i.path.endsWith('.json.gz'));
    expect(gz.map((i) => [i.status, i.records])).toEqual([['processed', 4]]);
    const findings = [...doc.findings].filter((f) => f.subject.kind === 'event');
    const got = findings.map((f) => `${f.ruleId} ${(f.evidence['$.insightDetails.eventSource'] as string) ?? ''} ${f.subject.kind === 'event' ? f.subject.eventTime : ''}`).sort();
    expect(got).toEqual([
      'cloudtrail-insights-api-call-rate ssm.amazonaws.com 2026-01-15T10:05:00Z',
      'cloudtrail-insights-api-error-rate kms.amazonaws.com 2026-01-15T11:02:00Z',
      'cloudtrail-insights-sensitive-service kms.amazonaws.com 2026-01-15T11:02:00Z',
    ]);
    for (const f of findings) {
      // the evidence names the API, and the Logs Insights window surrounds the Start
      expect(typeof f.evidence['$.insightDetails.eventName']).toBe('string');
      expect(f.evidence.logsInsights).toMatchObject({ queryDefinition: `trailproof/${f.ruleId}` });
    }
  });

  test('each Insights rule\'s Logs Insights query finds the same Start records in the file', () => {
    const recs = records();
    for (const r of pack.rules.filter((x) => x.sourcePath.includes('/insights/'))) {
      const matched = runQuery(insightsQuery(r.cloudwatch!.filterPattern).query, recs).matched;
      expect(matched.length).toBeGreaterThan(0);
      for (const i of matched) expect((recs[i].insightDetails as { state: string }).state).toBe('Start');
    }
  });
});
