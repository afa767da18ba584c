import { ruleInsights } from '../../src/insights/rule-queries';
import { loadRulePack } from '../../src/rules/load';
import { runQuery } from '../support/insights-interpreter';
import { type Json, synth } from './support';

/**
 * The bundled stacks save every event rule's Logs Insights queries on the trail's log group
 * (aws_cloudwatch_query_definition: name, log_group_names, query_string) and put one Logs Insights
 * table on the dashboard (a `log` widget whose query starts `SOURCE '<log group>' |`, the form
 * CloudWatch dashboards take; Logs Insights queries are at most 10,000 characters).
 */
const s = synth({});
afterAll(() => s.cleanup());
const rules = loadRulePack().rules.filter((r) => r.target === 'event' && r.cloudwatch);

test('two saved queries per event rule, on the trail log group, under the names findings cite', () => {
  const defs = Object.values(s.resources('aws_cloudwatch_query_definition'));
  expect(defs).toHaveLength(rules.length * 2);
  const byName = new Map(defs.map((d) => [d.name as string, d]));
  for (const r of rules) {
    const q = ruleInsights(r)!;
    expect(byName.get(q.name)?.query_string).toBe(q.query);
    expect(byName.get(q.byPrincipalName)?.query_string).toBe(q.byPrincipal);
    expect(byName.get(q.name)?.log_group_names).toEqual(['${aws_cloudwatch_log_group.trail_log_group.name}']);
  }
});

test('the dashboard has a Logs Insights table over the trail log group that finds what any rule finds', () => {
  const [dash] = Object.values(s.resources('aws_cloudwatch_dashboard'));
  const body = JSON.parse(dash.dashboard_body as string) as { widgets: Json[] };
  const logs = body.widgets.filter((w) => w.type === 'log');
  expect(logs).toHaveLength(1);
  const query = logs[0].properties.query as string;
  expect(query.startsWith("SOURCE '/aws/cloudtrail/")).toBe(true);
  expect(query.length).toBeLessThanOrEqual(10_000);
  expect(logs[0].properties.title).toContain('every event rule');
  // Each rule's first example that matches passes the widget's filter too (the interpreter runs it).
  const widgetQuery = query.slice(query.indexOf('|') + 1);
  for (const r of rules) {
    const ex = r.examples.find((e) => e.expect === 'match');
    if (!ex) continue;
    const got = runQuery(widgetQuery, [ex.input]).stats!;
    expect(got.reduce((n, row) => n + (row.events as number), 0)).toBe(1);
  }
  // and below every alarm widget, not over one
  const alarmBottom = Math.max(...body.widgets.filter((w) => w.type === 'metric').map((w) => (w.y as number) + (w.height as number)));
  expect(logs[0].y).toBeGreaterThanOrEqual(alarmBottom);
});
