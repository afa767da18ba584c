import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../../src/version';

/**
 * Realistic synthetic trails for the benchmark: records are real ones from the bundled samples
 * with fresh ids and times, mixed the way real trails are (mostly read-only calls, a few percent
 * errors, a trickle of writes), in files of a couple of thousand records, gzipped, under the
 * AWSLogs key layout. A seeded generator keeps runs comparable.
 */
type Rec = Record<string, unknown>;

function* sampleFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sampleFiles(p);
    else if (name.endsWith('.json.gz') || name.endsWith('.jsonl.gz')) yield p;
  }
}

function loadTemplates(): { read: Rec[]; error: Rec[]; write: Rec[] } {
  const all: Rec[] = [];
  for (const f of sampleFiles(join(REPO_ROOT, 'samples', 'cloudtrail'))) {
    const text = gunzipSync(readFileSync(f)).toString('utf8');
    if (f.endsWith('.jsonl.gz')) {
      for (const line of text.split('\n')) if (line.trim()) all.push(JSON.parse(line) as Rec);
    } else {
      all.push(...((JSON.parse(text) as { Records: Rec[] }).Records));
    }
  }
  const read: Rec[] = [];
  const error: Rec[] = [];
  const write: Rec[] = [];
  for (const r of all) {
    delete r._sourceFile;
    if (r.errorCode) error.push(r);
    else if (r.readOnly === true || /^(Get|List|Describe|Head|Lookup|Search)/.test(String(r.eventName))) read.push(r);
    else write.push(r);
  }
  return { read, error, write };
}

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedTrail {
  dir: string;
  files: string[];
  events: number;
  bytes: number;
}

/** Read-only share, error share: the rest are writes. */
export const MIX = { read: 0.85, error: 0.05 };

export function generateTrail(dir: string, events: number, perFile = 2000, seed = 42): GeneratedTrail {
  const t = loadTemplates();
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const files: string[] = [];
  let bytes = 0;
  let made = 0;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const account = '111122223333';
  const region = 'us-east-1';
  while (made < events) {
    const n = Math.min(perFile, events - made);
    const records: Rec[] = [];
    for (let i = 0; i < n; i++) {
      const x = rand();
      const tpl = x < MIX.read ? pick(t.read) : x < MIX.read + MIX.error ? pick(t.error) : pick(t.write);
      clock += Math.floor(rand() * 400);
      const id = `${(made + i).toString(16).padStart(8, '0')}-${Math.floor(rand() * 0xffff).toString(16).padStart(4, '0')}-4000-8000-${Math.floor(rand() * 2 ** 48).toString(16).padStart(12, '0')}`;
      records.push({ ...tpl, eventID: id, eventTime: new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z'), recipientAccountId: account });
    }
    const d = new Date(clock);
    const ymd = [String(d.getUTCFullYear()), String(d.getUTCMonth() + 1).padStart(2, '0'), String(d.getUTCDate()).padStart(2, '0')];
    const sub = join(dir, 'AWSLogs', account, 'CloudTrail', region, ...ymd);
    mkdirSync(sub, { recursive: true });
    const stamp = d.toISOString().replace(/[-:]/g, '').slice(0, 13);
    const file = join(sub, `${account}_CloudTrail_${region}_${stamp}Z_${String(files.length).padStart(6, '0')}.json.gz`);
    const gz = gzipSync(JSON.stringify({ Records: records }));
    writeFileSync(file, gz);
    bytes += gz.length;
    files.push(file);
    made += n;
  }
  return { dir, files, events: made, bytes };
}
