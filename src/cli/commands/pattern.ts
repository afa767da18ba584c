import { parseArgs } from 'node:util';
import { type Command, EXIT, UsageError } from '../command';
import type { InputRecord } from '../../model/input';
import type { LocatedRecord } from '../../model/event';
import { eventSourceFor, eventSourcesHelp } from '../../sources/event-sources';
import { sanitizeForTerminal } from '../../util/terminal';
import { comparePatterns, matchesRecord, normalFormText, parseFilterPattern, PatternSyntaxError, type PatternWarning } from '../../pattern';

const USAGE = `Usage:
  trailproof pattern test --pattern P [--json] EVENTS...
      Like CloudWatch's TestMetricFilter: read CloudTrail events the way scan does and print the
      events P matches. EVENTS, each one of:
${eventSourcesHelp(8)}
      --json prints {"matched": N, "eventIds": [...], "warnings": [...]}.
  trailproof pattern check --pattern P [--json]
      Parse P (AWS's limits included), print its kind, normal form and warnings.
  trailproof pattern compare --actual P --expected Q [--json]
      Compare by meaning: equivalent, broader (P matches more) or narrower-or-different.
  trailproof pattern insights --pattern P [--json]
      The CloudWatch Logs Insights query that finds the events P matches, its count by
      principal, and where the two languages differ (the queries the stacks save per rule).

Exit codes: 0 done (compare: equivalent or broader); 1 compare: narrower-or-different;
2 usage error, a pattern AWS would reject, or no input readable.`;

function reportSyntax(e: PatternSyntaxError, json: boolean, what = 'pattern'): number {
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: e.reason, position: e.position, side: e.side ?? null })}\n`);
  } else {
    process.stderr.write(`trailproof pattern: ${what} rejected: ${sanitizeForTerminal(e.message)}\n${sanitizeForTerminal(e.caret(), true)}\n`);
  }
  return EXIT.USAGE;
}

function printWarnings(ws: PatternWarning[]): void {
  for (const w of ws) process.stderr.write(`warning: ${sanitizeForTerminal(w.message)} (at position ${w.position + 1})\n`);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '-' : JSON.stringify(v);
}

/** Every spec through the event source that reads it, in the order given. */
async function* readEvents(specs: string[], inputs: InputRecord[]): AsyncGenerator<LocatedRecord> {
  const opts = { stdin: process.stdin, onInput: (i: InputRecord) => inputs.push(i) };
  for (const spec of specs) {
    for await (const batch of eventSourceFor(spec).read([spec], opts)) yield* batch;
  }
}

async function runTest(pattern: string, files: string[], json: boolean): Promise<number> {
  const parsed = parseFilterPattern(pattern);
  const inputs: InputRecord[] = [];
  const eventIds: (string | null)[] = [];
  let events = 0;
  for await (const located of readEvents(files, inputs)) {
    events++;
    if (!matchesRecord(parsed.pattern, located.record)) continue;
    const r = located.record;
    eventIds.push(typeof r.eventID === 'string' ? r.eventID : null);
    if (!json) {
      const where = `${located.location.path}:${located.location.line ?? `#${located.location.index}`}`;
      process.stdout.write(sanitizeForTerminal(`${where}  ${str(r.eventTime)}  ${str(r.eventSource)}  ${str(r.eventName)}  ${str(r.eventID)}`) + '\n');
    }
  }
  const unreadable = inputs.filter((i) => i.status === 'error');
  for (const i of unreadable) process.stderr.write(`trailproof pattern: ${sanitizeForTerminal(i.path)}: ${sanitizeForTerminal(i.reason ?? 'unreadable')}\n`);
  for (const i of inputs) {
    for (const s of i.skippedRecords ?? []) process.stderr.write(`trailproof pattern: ${sanitizeForTerminal(i.path)}: skipped ${s.count} record(s): ${sanitizeForTerminal(s.reason)}\n`);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ matched: eventIds.length, eventIds, warnings: parsed.warnings })}\n`);
  } else {
    printWarnings(parsed.warnings);
    process.stdout.write(`${eventIds.length} of ${events} events matched (${inputs.length} inputs)\n`);
  }
  return inputs.length === 0 || unreadable.length === inputs.length ? EXIT.USAGE : EXIT.OK;
}

export const command: Command = {
  name: 'pattern',
  summary: 'test, check or compare CloudWatch Logs filter patterns offline, or print their Logs Insights queries',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        pattern: { type: 'string' },
        actual: { type: 'string' },
        expected: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const [sub, ...rest] = positionals;
    const json = values.json;
    try {
      if (sub === 'test') {
        if (values.pattern === undefined) throw new UsageError('give --pattern P');
        if (rest.length === 0) throw new UsageError('give at least one FILE (- for stdin)');
        return await runTest(values.pattern, rest, json);
      }
      if (sub === 'check') {
        if (values.pattern === undefined) throw new UsageError('give --pattern P');
        if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
        const { pattern, warnings } = parseFilterPattern(values.pattern);
        const normal = normalFormText(pattern);
        if (json) process.stdout.write(`${JSON.stringify({ kind: pattern.kind, normal, warnings })}\n`);
        else {
          process.stdout.write(`${pattern.kind} pattern\n${sanitizeForTerminal(normal)}\n`);
          printWarnings(warnings);
        }
        return EXIT.OK;
      }
      if (sub === 'insights') {
        if (values.pattern === undefined) throw new UsageError('give --pattern P');
        if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
        const { insightsQuery } = await import('../../insights/translate');
        const q = insightsQuery(values.pattern);
        if (json) process.stdout.write(`${JSON.stringify(q)}\n`);
        else {
          process.stdout.write(sanitizeForTerminal(`# events\n${q.query}\n\n# by principal\n${q.byPrincipal}\n`, true));
          for (const d of q.differences) process.stderr.write(`note: ${sanitizeForTerminal(d)}\n`);
        }
        return EXIT.OK;
      }
      if (sub === 'compare') {
        if (values.actual === undefined || values.expected === undefined) throw new UsageError('give --actual P --expected Q');
        const cmp = comparePatterns(values.actual, values.expected);
        if (json) process.stdout.write(`${JSON.stringify(cmp, null, 2)}\n`);
        else {
          process.stdout.write(`${cmp.relation}${cmp.approximate ? ' (approximate)' : ''}\n`);
          for (const m of cmp.missing) process.stdout.write(sanitizeForTerminal(`  only expected: ${m.clause}${m.unmet?.length ? `  (actual needs ${m.unmet.join(' && ')})` : ''}`) + '\n');
          for (const x of cmp.extra) process.stdout.write(sanitizeForTerminal(`  only actual:   ${x.clause}${x.unmet?.length ? `  (expected needs ${x.unmet.join(' && ')})` : ''}`) + '\n');
          if (cmp.witness) process.stdout.write(sanitizeForTerminal(`  e.g. ${JSON.stringify(cmp.witness.record)}`) + '\n');
          printWarnings([...cmp.actual.warnings, ...cmp.expected.warnings]);
        }
        return cmp.relation === 'narrower-or-different' ? EXIT.FINDINGS : EXIT.OK;
      }
    } catch (e) {
      if (e instanceof PatternSyntaxError) return reportSyntax(e, json, e.side ?? 'pattern');
      throw e;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'give a subcommand: test, check, compare or insights');
  },
};
