/**
 * CIS monitoring controls ask that "a log metric filter and alarm exist" for some activity
 * (v1.4-v5 4.x, v6/v7 5.x). Whether the activity happened says nothing about that: the status
 * comes from the monitoring-chain check, and matching events are activity, counted apart.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogues } from '../../src/controls/catalogue';
import { alarmControls, computeCoverage } from '../../src/findings/coverage';
import type { ControlResult } from '../../src/model/coverage';
import type { FindingsView } from '../../src/model/finding';
import { loadRulePack } from '../../src/rules/load';
import { runScan } from '../../src/scan/run-scan';
import { parse, shown } from '../reports/csv-parse';
import { renderReport, writeReports } from '../../reports/write';
import { DATASETS } from '../support/paths';
import { goodStack, tfName, writeJson } from '../posture/support/stack';

const pack = loadRulePack();
const catalogues = loadCatalogues();
const STOP = join(DATASETS, 'stratus-red-team', 'detonation-logs', 'aws.defense-evasion.cloudtrail-stop.json');
const TRAIL_CHANGES = 'cis-cloudtrail-config-changes';

function control(doc: FindingsView, ref: string): ControlResult {
  const [fw, id] = ref.split(':');
  const cov = computeCoverage(doc, pack.rules, catalogues);
  const c = cov.find((x) => `${x.framework}@${x.version}` === fw)!.controls.find((x) => x.id === id);
  if (!c) throw new Error(`no ${ref}`);
  return c;
}

describe('CIS alarm controls are judged by the monitoring chain, events are activity', () => {
  let eventsOnly: FindingsView;
  let withStack: FindingsView;
  let brokenStack: FindingsView;
  let activity: number;

  beforeAll(async () => {
    eventsOnly = await runScan({ pack, events: [STOP] });
    withStack = await runScan({ pack, events: [STOP], terraform: [writeJson(goodStack())] });
    const broken = goodStack();
    broken.resource.aws_cloudwatch_metric_alarm[tfName(TRAIL_CHANGES)].actions_enabled = false;
    brokenStack = await runScan({ pack, events: [STOP], terraform: [writeJson(broken)] });
    activity = [...eventsOnly.findings].filter((f) => f.ruleId === TRAIL_CHANGES && f.status === 'fail').length;
  });

  test('the alarm controls are read from the pack: every CIS control of an event rule with a CloudWatch filter, in every version', () => {
    const alarms = alarmControls(pack.rules);
    const rule = pack.rules.find((r) => r.id === TRAIL_CHANGES)!;
    for (const ref of ['cis-aws@1.4.0:4.5', 'cis-aws@3.0.0:4.5', 'cis-aws@5.0.0:4.5', 'cis-aws@6.0.0:5.5', 'cis-aws@7.0.0:5.5']) {
      expect(rule.controls).toContain(ref);
      expect(alarms.has(ref)).toBe(true);
    }
    // Other frameworks' controls of the same rule are not alarm controls, nor are CIS logging ones.
    expect(alarms.has('nist-800-53@r5:AU-9')).toBe(false);
    expect(alarms.has('cis-aws@3.0.0:3.1')).toBe(false);
  });

  test('events only: StopLogging happened, yet 4.5 is not covered (no chain was judged), with the events as activity', () => {
    expect(activity).toBeGreaterThan(0);
    for (const ref of ['cis-aws@3.0.0:4.5', 'cis-aws@7.0.0:5.5']) {
      const c = control(eventsOnly, ref);
      expect(c.alarm).toBe(true);
      expect(c.status).not.toBe('fail');
      expect(c.failing).toBe(0);
      expect(c.activity).toBe(activity);
      expect(c.activityRules).toEqual([TRAIL_CHANGES]);
      expect(c.basis).toMatch(/monitoring-chain check/);
      expect(c.basis).toContain(`Activity: ${activity} matching event(s) from ${TRAIL_CHANGES}`);
      expect(c.basis).toMatch(/not a failure of the control/);
    }
    expect(control(eventsOnly, 'cis-aws@3.0.0:4.5').status).toBe('not-covered');
    // NIST AU-9 is not an alarm control: the same events still fail it.
    const au9 = control(eventsOnly, 'nist-800-53@r5:AU-9');
    expect(au9.alarm).toBe(false);
    expect(au9.failing).toBeGreaterThan(0);
  });

  test('events and a deployed chain: 4.5 passes, the events stay activity', () => {
    const c = control(withStack, 'cis-aws@3.0.0:4.5');
    expect(c.status).toBe('pass');
    expect(c.failing).toBe(0);
    expect(c.passed).toBe(1);
    expect(c.assessedRules).toEqual([`cis-monitoring-chain/${TRAIL_CHANGES}`]);
    expect(c.activity).toBe(activity);
  });

  test('events and a chain broken at the alarm: 4.5 fails on the chain finding alone', () => {
    const c = control(brokenStack, 'cis-aws@3.0.0:4.5');
    expect(c.status).toBe('fail');
    expect(c.failing).toBe(1);
    expect(c.basis).toMatch(new RegExp(`^1 failing finding\\(s\\) from cis-monitoring-chain/${TRAIL_CHANGES}\\.`));
    expect(c.activity).toBe(activity);
    // 4.3 (root usage) is wired in the same stack: it passes.
    expect(control(brokenStack, 'cis-aws@3.0.0:4.3').status).toBe('pass');
  });

  test('every report says so: the note, the activity count, and no control failure from activity', async () => {
    const ctx = { rules: pack.rules, catalogues };
    const md = renderReport('md', withStack, ctx);
    expect(md).toMatch(/alarm control\(s\) had matching events \(activity/);
    expect(md).toMatch(/Alarm controls \\\(CIS/);
    const html = renderReport('html', withStack, ctx);
    expect(html).toContain('<th>Activity</th>');
    expect(html).toContain('Alarm controls (CIS');
    const row = /<tr data-control="cis-aws@3\.0\.0:4\.5">(.*?)<\/tr>/.exec(html)![1];
    expect(row).toContain('class="st-pass">pass<');
    expect(row).toContain(`<td class="num">${activity}</td>`);
    const csv = parse(renderReport('csv', withStack, ctx)).map((r) => r.map(shown));
    const head = csv[0];
    const r45 = csv.find((r) => r[head.indexOf('version')] === '3.0.0' && r[head.indexOf('control')] === '4.5')!;
    expect(r45[head.indexOf('status')]).toBe('pass');
    expect(r45[head.indexOf('activity')]).toBe(String(activity));
    const junit = renderReport('junit', withStack, ctx);
    const case45 = /<testcase classname="cis-aws@3\.0\.0:4\.5"[^>]*>([\s\S]*?)<\/testcase>/.exec(junit)![1];
    expect(case45).not.toContain('<failure');
    expect(case45).toContain(`Activity: ${activity} matching event(s)`);
    const sarif = JSON.parse(renderReport('sarif', withStack, ctx));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === TRAIL_CHANGES);
    expect(result.properties.activityFor).toEqual(expect.arrayContaining(['cis-aws@3.0.0:4.5', 'cis-aws@7.0.0:5.5']));
    expect(result.properties.activityFor).not.toContain('nist-800-53@r5:AU-9');
    expect(sarif.runs[0].properties.notes.join(' ')).toContain('Alarm controls (CIS');
    const out = mkdtempSync(join(tmpdir(), 'tp-alarm-'));
    const { finishReports } = await import('../../reports/finish');
    const done = await finishReports(withStack, { ...ctx, formats: ['json'], outDir: out });
    expect(done.summary).toMatch(/alarm control\(s\) had matching events: activity shown as evidence, not failures/);
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).findings.length).toBe(withStack.findings.length);
  });
});
