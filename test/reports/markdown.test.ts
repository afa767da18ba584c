import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline } from '../../src/findings/baseline';
import { computeCoverage } from '../../src/findings/coverage';
import { applySuppressions } from '../../src/findings/suppress';
import type { Finding, FindingsView } from '../../src/model/finding';
import { COMMENT_MARKER, MARKDOWN_LIMIT, renderMarkdown } from '../../reports/markdown';
import { writerContext } from '../../reports/write';
import { CATALOGUES, HOSTILE, RULES, hostileMutation, resourceFinding, stratusDocument } from './support';

const ctx = { rules: RULES, catalogues: CATALOGUES };
function render(doc: FindingsView = stratusDocument(), c: Partial<typeof ctx> & { failOn?: 'high' | 'low'; newOnly?: boolean; baseDir?: string; linkBase?: string } = {}, limit?: number): string {
  const full = { ...ctx, ...c };
  return renderMarkdown(doc, writerContext(doc, full, computeCoverage(doc, full.rules, full.catalogues)), limit);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const commonmark = require('commonmark') as { Parser: new () => { parse(s: string): { walker(): { next(): { entering: boolean; node: { type: string; literal: string | null } } | null } } } };
function markdownNodes(md: string): { type: string; literal: string | null }[] {
  const w = new commonmark.Parser().parse(md).walker();
  const out: { type: string; literal: string | null }[] = [];
  for (let e = w.next(); e; e = w.next()) if (e.entering) out.push({ type: e.node.type, literal: e.node.literal });
  return out;
}

/** Pipes that split cells: not escaped and not inside... GFM splits on every unescaped pipe, code spans included. */
function cellCount(line: string): number {
  return line.replace(/\\\|/g, '').split('|').length - 2;
}

/** Every table keeps one column count from header to last row. */
function assertTablesWellFormed(md: string): number {
  const lines = md.split('\n');
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!/^\|.*\|$/.test(lines[i]) || !/^\|[-:| ]+\|$/.test(lines[i + 1] ?? '')) continue;
    tables++;
    const n = cellCount(lines[i]);
    expect(cellCount(lines[i + 1])).toBe(n);
    for (let j = i + 2; j < lines.length && lines[j].startsWith('|'); j++) {
      if (cellCount(lines[j]) !== n) throw new Error(`row ${j + 1} has ${cellCount(lines[j])} cells, header ${n}: ${lines[j]}`);
    }
  }
  return tables;
}

function assertDetailsBalanced(md: string): void {
  expect((md.match(/^<details>/gm) ?? []).length).toBe((md.match(/^<\/details>/gm) ?? []).length);
}

describe('report.md (pull-request comment)', () => {
  test('verdict line, coverage table per framework version, findings grouped by severity and control', () => {
    const md = render(stratusDocument(), { failOn: 'high' });
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md.split('\n')[1]).toMatch(/^## trailproof: ❌ FAIL: \d+ failing finding\(s\) at or above high$/);
    expect(md).toContain('| Framework | Controls | Fail | Pass | Manual | Not covered |');
    for (const fw of ['cis-aws@3.0.0', 'cis-aws@5.0.0', 'nist-800-53@r5']) expect(md).toContain(`| \`${fw}\``);
    // One table of failing controls; a control failing alike in several versions is one row with a version column.
    const cov = computeCoverage(stratusDocument(), RULES, CATALOGUES);
    const failingControls = cov.reduce((n, c) => n + c.counts.fail, 0);
    expect(md).toContain(`<details><summary>${failingControls} failing control(s) across 3 framework version(s)</summary>`);
    expect(md).toContain('| Framework | Version: control | Title | Failing | Muted | Rules |');
    expect(md).toContain('| `cis-aws` | `3.0.0 4.5`, `5.0.0 4.5` | Ensure CloudTrail configuration changes are monitored | 3 | 0 | `test-cloudtrail-tampering` |');
    expect((md.match(/Ensure CloudTrail configuration changes are monitored \|/g) ?? []).length).toBe(1);
    expect(md).toContain(`_${cov.reduce((n, c) => n + c.controls.length, 0) - failingControls} other control(s) (pass, manual, not covered) are listed in report.html and report.csv._`);
    // The first screen says what to do.
    expect(md.split('\n').slice(0, 6).join('\n')).toMatch(/\*\*What to do:\*\* fix the \d+ failing finding\(s\) at or above high below/);
    // groups: high before medium before low, each naming its controls
    const high = md.indexOf('#### high · Test test cloudtrail tampering');
    const medium = md.indexOf('#### medium · Test test console login no mfa');
    const low = md.indexOf('#### low · Test test iam changes');
    expect(high).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(high);
    expect(low).toBeGreaterThan(medium);
    expect(md.slice(high, medium)).toContain('`cis-aws@3.0.0:4.5` `cis-aws@5.0.0:4.5` `nist-800-53@r5:AU-6`');
    expect(md).toContain('How to read the control status');
    expect(assertTablesWellFormed(md)).toBeGreaterThan(5);
    assertDetailsBalanced(md);
  });

  test('finding rows: message, evidence and the rule\'s fix; paths relative to the repository and linked to the commit', () => {
    const base = join(tmpdir(), 'a-repo');
    const doc = stratusDocument({ files: [], extra: [resourceFinding({ line: 57, path: `${base}/infra/cdktf.out/stacks/audit (1)/cdk.tf.json` })] });
    const md = render(doc, { baseDir: base, linkBase: 'https://github.com/o/r/blob/abc123/' });
    expect(md).toContain('| Subject | Where | What is wrong | Evidence | State |');
    expect(md).toContain('**Fix:** Set is\\_multi\\_region\\_trail \\= true\\.');
    const row = md.split('\n').find((l) => l.startsWith('| `aws_cloudtrail.audit`'))!;
    expect(row).toContain('[`infra/cdktf.out/stacks/audit (1)/cdk.tf.json:57`](https://github.com/o/r/blob/abc123/infra/cdktf.out/stacks/audit%20%281%29/cdk.tf.json#L57)');
    expect(row).toContain('| Trail audit is not multi\\-region |');
    expect(row).toContain('`{"is_multi_region_trail":false}`');
    assertTablesWellFormed(md);
    // Outside the repository, or without a commit URL: the path as text, never a link.
    const plain = render(doc, { baseDir: '/elsewhere' });
    expect(plain).not.toContain('](');
  });

  test('a passing scan says so', () => {
    const doc = stratusDocument({ files: ['aws.credential-access.ec2-get-password-data.json'] });
    expect(render(doc, { failOn: 'high' }).split('\n')[1]).toBe('## trailproof: ✅ PASS: no failing finding(s) at or above high');
  });

  test('IaC findings show address, construct path and the cdk.tf.json line', () => {
    const md = render(stratusDocument({ files: [], extra: [resourceFinding({ line: 57 })] }));
    expect(md).toContain('| `aws_cloudtrail.audit` (construct `audit-stack/audit`) | `cdktf.out/stacks/audit-stack/cdk.tf.json:57` |');
  });

  test('baseline: new findings first, fixed ones listed, unchanged apart; --fail-on judges new only', () => {
    const admin = 'aws.persistence.iam-create-admin-user.json';
    const before = stratusDocument({ files: ['aws.defense-evasion.cloudtrail-stop.json', admin, 'aws.initial-access.console-login-without-mfa.json'] });
    const after = applyBaseline(
      stratusDocument({
        files: ['aws.defense-evasion.cloudtrail-stop.json', 'aws.defense-evasion.cloudtrail-delete.json', admin],
        // Read again, and the IAM calls no longer match: judged again, fixed.
        mutate: (r, file) => (file === admin ? { ...r, eventName: `${r.eventName}Renamed` } : r),
      }),
      before,
    );
    const md = render(after, { failOn: 'high', newOnly: true });
    // The console-login file was not read this time: not fixed, said as such.
    expect(md).toMatch(/\*\*Against the baseline:\*\* \d+ new, \d+ unchanged, \d+ fixed, [1-9]\d* not re-judged \(their input was not scanned this time/);
    expect(md.split('\n')[1]).toMatch(/FAIL: \d+ new failing finding\(s\) at or above high/);
    const iNew = md.indexOf('### New since the baseline');
    const iFixed = md.indexOf('Fixed since the baseline');
    const iUnchanged = md.indexOf('### Unchanged failing findings');
    expect(iNew).toBeGreaterThan(0);
    expect(iFixed).toBeGreaterThan(iNew);
    expect(iUnchanged).toBeGreaterThan(iFixed);
    expect(md.slice(iNew, iFixed)).toContain('`DeleteTrail`');
    expect(md.slice(iNew, iFixed)).not.toContain('`StopLogging`');
    expect(md.slice(iFixed, iUnchanged)).toContain('`test-iam-changes`');
    expect(md.slice(iFixed, iUnchanged)).not.toContain('`test-console-login-no-mfa`');
    assertTablesWellFormed(md);
    assertDetailsBalanced(md);
  });

  test('muted findings stay visible with reason, owner and expiry; expired waivers are called out', () => {
    const doc = applySuppressions(
      stratusDocument(),
      [
        { source: 'waivers.yaml:3#/suppressions/0', rule: 'test-iam-changes', reason: 'break-glass user', owner: 'platform', expires: '2027-01-31' },
        { source: 'waivers.yaml:8#/suppressions/1', rule: 'test-console-login-no-mfa', reason: 'old exception', owner: 'sec', expires: '2026-01-01' },
      ],
      new Date('2026-11-25T00:00:00Z'),
    );
    const md = render(doc);
    expect(md).toMatch(/<details><summary>Muted by suppressions \(\d+\)<\/summary>/);
    expect(md).toContain('| break\\-glass user | platform | 2027\\-01\\-31 |');
    expect(md).toContain('1 suppression(s) have expired and no longer apply');
    expect(md).toContain('### Expired suppressions');
    expect(md).toContain('waiver expired 2026\\-01\\-01');
    assertTablesWellFormed(md);
  });

  test('hostile event fields cannot break tables, inject HTML, links, comments or mentions', () => {
    const md = render(stratusDocument({ mutate: hostileMutation }));
    assertTablesWellFormed(md);
    assertDetailsBalanced(md);
    // Parsed by the CommonMark reference parser: the only HTML is our own, and no link or image formed.
    const nodes = markdownNodes(md);
    expect(nodes.filter((n) => n.type === 'html_inline')).toEqual([]);
    for (const n of nodes.filter((x) => x.type === 'html_block')) expect(n.literal).toMatch(/^(<!-- trailproof-report -->|<details><summary>[^<]*<\/summary>|<\/details>)\n?$/);
    expect(nodes.some((n) => n.type === 'link' || n.type === 'image')).toBe(false);
    // outside code spans every @ is followed by a zero-width space, so GitHub finds no mention
    for (const n of nodes.filter((x) => x.type === 'text')) expect(n.literal).not.toMatch(/@(?!\u200b)/);
    expect(md).toContain(`\`\`\`arn:aws:iam::123456789012:user/<script>console.error("xss-html")</script>`);
    expect(md).toContain(HOSTILE.csv);
  });

  test('a huge scan stays under 65,000 characters, cut on block boundaries, with a note of what was cut', () => {
    const base = stratusDocument();
    const template = base.findings.filter((f) => f.ruleId === 'test-cloudtrail-tampering');
    const extra: Finding[] = [];
    for (let i = 0; i < 4000; i++) {
      const t = template[i % template.length];
      const r = RULES[i % 3];
      extra.push({ ...t, id: `${t.id.slice(0, 16)}${i.toString(16).padStart(8, '0')}`, ruleId: `bulk-${i % 40}`, title: `Bulk rule ${i % 40}`, severity: r.severity, controls: r.controls });
    }
    const big = { ...base, findings: [...base.findings, ...extra] };
    const md = render(big);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md.length).toBeGreaterThan(MARKDOWN_LIMIT - 3000);
    const note = /✂️ _Cut to stay under 65,000 characters: (\d+) finding row\(s\) and (\d+) section\(s\) not shown\./.exec(md);
    expect(note).not.toBeNull();
    expect(Number(note![1]) + Number(note![2])).toBeGreaterThan(0);
    assertTablesWellFormed(md);
    assertDetailsBalanced(md);
    // a smaller limit is honoured too
    expect(render(big, {}, 20_000).length).toBeLessThanOrEqual(20_000);
  });
});
