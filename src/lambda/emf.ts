/**
 * The detection function's metric namespaces, named once for the handler and the stacks (which
 * alarm on the first and keep the second apart from the rule alarms' metrics).
 */
export const METRIC_NAMESPACES = {
  /** The function's own counters: Messages, Files, Events, Findings... */
  operations: 'trailproof/detection',
  /** Per-rule counts where the trail's metric filters already feed the alarms. */
  rules: 'trailproof/detection/rules',
} as const;

/**
 * CloudWatch Embedded Metric Format lines: a Lambda function's stdout goes to its own log group,
 * where CloudWatch turns each such line into metric data points. This is how the detection
 * function feeds the rule alarms without the whole trail being ingested into CloudWatch Logs.
 * Written from the EMF specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * at most 100 metrics per directive, and a dimension set may be empty, which gives a metric with
 * no dimensions: the shape a metric filter publishes and the rule alarms watch.
 */
export interface MetricPoint {
  namespace: string;
  name: string;
  value: number;
  unit?: 'Count' | 'Milliseconds' | 'Bytes' | 'None';
}

const MAX_METRICS_PER_DIRECTIVE = 100;

/**
 * One EMF document per 100 metrics of a namespace; `properties` (strings and numbers, never
 * metric names) ride along for Logs Insights queries.
 */
export function emfLines(points: readonly MetricPoint[], at: Date, properties: Record<string, string | number> = {}): string[] {
  const byNamespace = new Map<string, Map<string, MetricPoint>>();
  for (const p of points) {
    let m = byNamespace.get(p.namespace);
    if (!m) byNamespace.set(p.namespace, (m = new Map()));
    const had = m.get(p.name);
    m.set(p.name, had ? { ...had, value: had.value + p.value } : p);
  }
  const lines: string[] = [];
  for (const [namespace, metrics] of byNamespace) {
    const list = [...metrics.values()];
    for (let i = 0; i < list.length; i += MAX_METRICS_PER_DIRECTIVE) {
      const part = list.slice(i, i + MAX_METRICS_PER_DIRECTIVE);
      // Metric values sit at the root beside the properties; a property never shadows a metric.
      const doc: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(properties)) if (!metrics.has(k)) doc[k] = v;
      doc._aws = {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [[]], Metrics: part.map((p) => ({ Name: p.name, Unit: p.unit ?? 'Count' })) }],
      };
      for (const p of part) doc[p.name] = p.value;
      lines.push(JSON.stringify(doc));
    }
  }
  return lines;
}
