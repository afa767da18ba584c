import type { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogues } from '../controls/catalogue';
import type { Finding } from '../model/finding';
import type { PostureScanEvent } from '../model/lambda-events';
import type { RulePack } from '../model/rule';
import { unreadInputs } from '../findings/input-read';
import { runScan } from '../scan/run-scan';
import { writeReports } from '../../reports/write';
import type { Publisher, PublishOutcome } from './publish';
import { type ReportTarget, uploadFiles } from './upload';

export interface PostureSettings {
  pack: RulePack;
  s3: S3Client;
  reports: ReportTarget;
  /** Security Hub, in the deployed function; failing findings go there, passing ones archive theirs. */
  publishers: Publisher[];
  regions: string[];
  aggregator?: string;
  now?: () => Date;
  tmpDir?: string;
}

export interface PostureRun {
  runId: string;
  files: string[];
  summary: { findings: number; failing: number; inputs: number; inputErrors: number };
  published: PublishOutcome[];
}

/**
 * The scheduled compliance scan: the live posture scan (`trailproof posture --live`, the same
 * code) over the configured regions or aggregator; findings.json, report.html and report.csv to
 * `<prefix><runId>/` in the reports bucket, encrypted with the reports key; failing findings to
 * Security Hub. Throws after writing the reports when a finding could not be published, so the
 * schedule's retry policy runs it again (re-importing by Id duplicates nothing).
 */
export async function runPostureScan(s: PostureSettings, event: PostureScanEvent = {}): Promise<PostureRun> {
  const now = (s.now ?? (() => new Date()))();
  const runId = event.runId ?? now.toISOString().replace(/[:.]/g, '-');
  const regions = event.regions && event.regions.length > 0 ? event.regions : s.regions;
  const aggregator = event.aggregator ?? s.aggregator;
  const work = mkdtempSync(join(s.tmpDir ?? tmpdir(), 'tp-posture-'));
  try {
    const doc = await runScan({ pack: s.pack, events: [], live: { regions, aggregator }, tempDir: work });
    try {
      const files = await writeReports(doc, ['json', 'html', 'csv'], join(work, 'reports'), { rules: s.pack.rules, catalogues: loadCatalogues() });
      const uploaded = await uploadFiles(s.s3, s.reports, runId, files);
      const judged: Finding[] = [];
      for (const f of doc.findings) if (f.status === 'fail' || f.status === 'pass') judged.push(f);
      const published: PublishOutcome[] = [];
      for (const p of s.publishers) if (judged.length > 0) published.push(await p.publish(judged));
      const run: PostureRun = {
        runId,
        files: uploaded,
        summary: {
          findings: doc.findings.length,
          failing: judged.filter((f) => f.status === 'fail').length,
          inputs: doc.inputs.length,
          inputErrors: doc.inputs.filter((i) => i.status === 'error').length,
        },
        published,
      };
      // A scan where no AWS call answered judged nothing: as on the CLI (exit 2), never a success.
      const unread = unreadInputs(doc, ['live']);
      if (unread.length > 0) throw new Error(`reports written (${uploaded.join(', ')}), but nothing was judged: ${unread.map((u) => u.reason).join('; ')}`);
      const failed = published.filter((o) => o.failed.length > 0);
      if (failed.length > 0) {
        throw new Error(`reports written (${uploaded.join(', ')}), but ${failed.map((o) => `${o.channel}: ${o.failed.length} findings not published (first: ${o.failed[0].reason})`).join('; ')}`);
      }
      return run;
    } finally {
      doc.findings.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
