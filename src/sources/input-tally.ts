import type { InputKind, InputRecord } from '../model/input';
import type { AwsLogsKey } from './aws-logs-key';
import type { Container } from './json-split';
import { DAMAGE, type RecordShape, SKIP_REASONS, type SkipCategory } from './shapes';

/** What the splitter learned about the input's layout (JsonSplitter.layout plus emptiness). */
export interface LayoutSeen {
  structure?: Container;
  lines: boolean;
  exportLines: boolean;
  empty: boolean;
}

/**
 * The account of one input: records taken, records skipped (grouped by reason, with the first
 * place), and the damage that stopped reading. Turns into exactly one InputRecord.
 */
export class InputTally {
  private records = 0;
  private yielded = 0;
  private settled = 0;
  private readonly skipped = new Map<SkipCategory, { count: number; first: string }>();
  private readonly shapes = new Set<RecordShape>();

  constructor(
    readonly path: string,
    private readonly awsLogs?: AwsLogsKey,
  ) {}

  /** An element handed to the consumer; settled later by accept/reject, or counted as one record. */
  handedOut(): void {
    this.yielded++;
  }

  accept(count: number, shape: RecordShape): void {
    this.settled++;
    this.records += count;
    this.shapes.add(shape);
  }

  /** Plain CloudTrail records counted without being parsed (screened out by the reader). */
  acceptUnparsed(count: number): void {
    if (count === 0) return;
    this.records += count;
    this.shapes.add('record');
  }

  reject(category: SkipCategory, detail: string): void {
    this.settled++;
    this.skip(category, detail);
  }

  /** A skip decided before the element reached the consumer (oversized). */
  skip(category: SkipCategory, detail: string): void {
    const g = this.skipped.get(category);
    if (g) g.count++;
    else this.skipped.set(category, { count: 1, first: detail });
  }

  finish(info: { layout: LayoutSeen; sha256: string | null; bytes: number; fatal?: string }): InputRecord {
    const records = this.records + (this.yielded - this.settled);
    const skippedRecords = [...this.skipped].map(([category, g]) => ({ count: g.count, reason: SKIP_REASONS[category], first: g.first }));
    const kind = this.kind(info.layout);
    const base: InputRecord = { path: this.path, kind, status: 'processed', records, sha256: info.sha256, bytes: info.bytes };
    if (skippedRecords.length > 0) base.skippedRecords = skippedRecords;
    const skippedCount = skippedRecords.reduce((n, g) => n + g.count, 0);
    const firstSkip = (cats: (c: SkipCategory) => boolean) => {
      for (const [c, g] of this.skipped) if (cats(c)) return `${SKIP_REASONS[c]}; first: ${g.first}`;
      return undefined;
    };

    if (info.fatal) {
      const tail = records > 0 ? `; ${plural(records, 'record')} read before it` : '';
      return { ...base, status: 'error', reason: `${info.fatal}${tail}` };
    }
    const damage = firstSkip((c) => DAMAGE.has(c));
    if (damage) {
      return { ...base, status: 'error', reason: `${plural(skippedCount, 'record')} not read: ${damage}` };
    }
    if (records === 0) {
      if (info.layout.empty) return { ...base, status: 'skipped', reason: info.bytes === 0 ? 'empty file' : 'no records: the input holds only whitespace' };
      if (skippedCount > 0) {
        return { ...base, status: 'skipped', reason: `no CloudTrail records, ${plural(skippedCount, 'element')} skipped: ${firstSkip(() => true)}` };
      }
      return base;
    }
    if (skippedCount > 0) base.reason = `${plural(skippedCount, 'element')} skipped: ${firstSkip(() => true)}`;
    return base;
  }

  private kind(layout: LayoutSeen): InputKind {
    const only = (s: RecordShape) => this.shapes.size === 1 && this.shapes.has(s);
    if (only('eventbridge')) return 'eventbridge';
    if (only('log-event') || layout.exportLines || layout.structure === 'events') return 'cloudwatch-logs-export';
    if (this.records === 0 && this.skipped.size === 1 && this.skipped.has('digest')) return 'cloudtrail-digest';
    if (layout.lines) return 'json-lines';
    switch (layout.structure) {
      case 'Records':
        return 'cloudtrail-log';
      case 'array':
        return 'json-array';
      case 'top':
        // One object that is not a record says nothing about CloudTrail.
        return this.records > 0 ? 'cloudtrail-record' : 'unknown';
      default:
        return this.awsLogs ? 'cloudtrail-log' : 'unknown';
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
