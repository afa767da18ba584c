import type { EventSource } from '../model/event-source';

/**
 * Every kind of `--events` value, in the order they are asked whether a value is theirs (local
 * files last: they take whatever no other source names). The readers load on first use, so the
 * help text, which is generated from this list, costs nothing to show.
 */

const EVENT_HISTORY: EventSource = {
  form: 'cloudtrail:lookup',
  summary: "CloudTrail Event History: the last 90 days of management events (scan: in each --region; else the SDK's region)",
  accepts: (spec) => spec === 'cloudtrail:lookup',
  async *read(specs, opts) {
    const { readEventHistory } = await import('./live-events');
    // each value is one read, as each s3:// value is
    for (let i = 0; i < specs.length; i++) yield* readEventHistory(opts);
  },
};

const S3_ARCHIVE: EventSource = {
  form: 's3://bucket/prefix',
  summary: "a trail's archive in S3, read like the same files on disk (scan narrows it by account, region and time)",
  accepts: (spec) => spec.startsWith('s3://'),
  async *read(specs, opts) {
    const { readS3Archive } = await import('./live-events');
    for (const uri of specs) yield* readS3Archive(uri, opts);
  },
};

export const LOCAL_FILES: EventSource = {
  form: 'PATH',
  summary: 'CloudTrail files or directories (.json, .json.gz, .jsonl, .ndjson; - for stdin)',
  accepts: () => true,
  async *read(paths, opts) {
    const { readCloudTrailBatches } = await import('./cloudtrail-files');
    yield* readCloudTrailBatches(paths, opts);
  },
};

export const EVENT_SOURCES: readonly EventSource[] = [EVENT_HISTORY, S3_ARCHIVE, LOCAL_FILES];

export function eventSourceFor(spec: string): EventSource {
  return EVENT_SOURCES.find((s) => s.accepts(spec)) ?? LOCAL_FILES;
}

/** The help's list of event sources: one line per source, `indent` spaces in, forms aligned. */
export function eventSourcesHelp(indent: number): string {
  const width = Math.max(...EVENT_SOURCES.map((s) => s.form.length));
  return [...EVENT_SOURCES]
    .reverse()
    .map((s) => `${' '.repeat(indent)}${s.form.padEnd(width)}  ${s.summary}`)
    .join('\n');
}

