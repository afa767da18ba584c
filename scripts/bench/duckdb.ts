import type { Rule } from '../../src/model/rule';
import { type CompareValue, type ConditionFold, conditionLeaves, foldCondition } from '../../src/model/condition';
import { ruleCondition } from '../../src/semantics/condition-json';
import { isLiteral, isLoneStar, parseGlob, spellGlob } from '../../src/semantics/glob';

/**
 * DuckDB as a contender for the benchmark: the CIS monitoring rules (rules/cis/, the 15
 * CloudWatch filters of CIS 4.1-4.15) as one SQL query over the same gzipped CloudTrail files,
 * counting matches per rule. The SQL is made from the rules' conditions, so it is the same 15
 * conditions trailproof judges, under CloudWatch's semantics as SQL gives them:
 *   - a field is read into a typed column only where a rule reads it; a missing field is NULL,
 *     and NULL = 'x' and NULL <> 'x' are both not true, as `=` and `!=` are false on a missing
 *     field in CloudWatch (docs/filter-patterns.md);
 *   - `*` becomes LIKE's `%`, and LIKE is case-sensitive, as CloudWatch wildcards are;
 *   - NOT EXISTS is IS NULL. SQL cannot tell a JSON null from a missing field here, where
 *     CloudWatch can (a present null makes NOT EXISTS false): the bench checks that both sides
 *     count the same matches per rule, so a difference on its data would show.
 */
/** The CIS monitoring rules of the pack, in pack order. */
export function cisRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => r.target === 'event' && /(^|\/)rules\/cis\//.test(r.sourcePath ?? ''));
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** `$.a.b` as a column reference into the unnested record `e`. */
function column(path: string): string {
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new Error(`duckdb bench: no SQL for path ${path}`);
  return ['e', ...path.slice(2).split('.').map(ident)].join('.');
}

function equals(col: string, value: CompareValue): string {
  if (typeof value !== 'string') throw new Error(`duckdb bench: no SQL for value ${JSON.stringify(value)}`);
  const glob = parseGlob(value);
  if (isLiteral(glob)) return `${col} = ${sqlString(value)}`;
  if (isLoneStar(glob)) return `${col} IS NOT NULL`;
  const like = spellGlob(glob, (p) => p.replace(/[\\%_]/g, (c) => `\\${c}`), '%');
  return `${col} LIKE ${sqlString(like)} ESCAPE '\\'`;
}

const WHERE: ConditionFold<string> = {
  all: (_n, parts) => `(${parts.join(' AND ')})`,
  any: (_n, parts) => `(${parts.join(' OR ')})`,
  not: (_n, inner) => `(NOT COALESCE(${inner}, false))`,
  equals: (l) => equals(column(l.path), l.value),
  in: (l) => `(${l.values.map((v) => equals(column(l.path), v)).join(' OR ')})`,
  'not-equals': (l) => `(${column(l.path)} <> ${sqlString(String(l.value))})`,
  'not-exists': (l) => `(${column(l.path)} IS NULL)`,
  numeric: (l) => {
    throw new Error(`duckdb bench: no SQL for ${l.op} at ${l.pointer}`);
  },
  is: (l) => {
    throw new Error(`duckdb bench: no SQL for IS ${l.test} at ${l.pointer}`);
  },
  opaque: (l) => {
    throw new Error(`duckdb bench: no SQL for operator ${l.operator}`);
  },
};

/** The fields the rules read, as DuckDB's STRUCT type of one record. */
function recordType(rules: readonly Rule[]): string {
  const tree = new Map<string, unknown>();
  for (const r of rules) {
    for (const leaf of conditionLeaves(ruleCondition(r))) {
      let node = tree;
      const parts = (leaf.path ?? '').slice(2).split('.');
      parts.forEach((p, i) => {
        if (i === parts.length - 1) {
          if (!node.has(p)) node.set(p, 'VARCHAR');
        } else {
          let next = node.get(p);
          if (!(next instanceof Map)) node.set(p, (next = new Map()));
          node = next as Map<string, unknown>;
        }
      });
    }
  }
  const type = (m: Map<string, unknown>): string => `STRUCT(${[...m].map(([k, v]) => `${ident(k)} ${v instanceof Map ? type(v) : v}`).join(', ')})`;
  return type(tree);
}

/** One query: every record of every gzipped file under dir, a count per rule and in all. */
export function cisQuery(dir: string, rules: readonly Rule[]): string {
  const counts = rules.map((r) => `count(*) FILTER (WHERE ${foldCondition(ruleCondition(r), WHERE)}) AS ${ident(r.id)}`);
  const glob = `${dir.replace(/\/+$/, '')}/**/*.json.gz`;
  return [
    `SELECT count(*) AS events, ${counts.join(', ')}`,
    `FROM (SELECT unnest(Records) AS e FROM read_json(${sqlString(glob)}, format = 'auto', compression = 'gzip',`,
    `  columns = {Records: ${sqlString(`${recordType(rules)}[]`)}}, maximum_object_size = 268435456))`,
  ].join('\n');
}

export interface DuckdbResult {
  events: number;
  seconds: number;
  counts: Record<string, number>;
  peakRssMB: number;
  /** CPU seconds of the whole process from its start, DuckDB's threads included. */
  cpuSeconds: number;
  version: string;
}

/** The query on `threads` threads, timed from connecting to the last row. */
export async function runDuckdb(dir: string, rules: readonly Rule[], threads: number): Promise<DuckdbResult> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = process.hrtime.bigint();
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const reader = await con.runAndReadAll(cisQuery(dir, rules));
  const row = reader.getRowObjects()[0];
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const version = String((await con.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v);
  const counts: Record<string, number> = {};
  for (const r of rules) counts[r.id] = Number(row[r.id]);
  const cpu = process.cpuUsage();
  return { events: Number(row.events), seconds, counts, peakRssMB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10, cpuSeconds: (cpu.user + cpu.system) / 1e6, version };
}
