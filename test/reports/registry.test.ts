/** The report registry: a format is one writer and one registration, and every command follows it. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFormats, registerReportWriter, reportWriters, unknownFormatMessage } from '../../reports/registry';
import { main } from '../../src/cli/main';
import type { FindingsDocument } from '../../src/model/finding';
import type { ReportWriter } from '../../src/model/report-writer';
import { quietly } from '../support/quietly';
import { STRATUS } from './support';

const STOP = join(STRATUS, 'aws.defense-evasion.cloudtrail-stop.json');

/** A format no build has: the id of each failing finding, then the blocking count the tally gave the writer. */
const LINES: ReportWriter = {
  format: 'failing-ids',
  file: 'failing.txt',
  describe: 'the id of each failing finding, one a line',
  write(doc, ctx, out) {
    for (const f of doc.findings) if (f.status === 'fail') out.write(`${f.id}\n`);
    out.write(`blocking ${ctx.tally.blocking}\n`);
  },
};

async function helpOf(command: string): Promise<string> {
  let text = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
  try {
    expect(await main([command, '--help'])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return text;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const WRITING_COMMANDS = ['scan', 'posture', 'main', 'validate-logs'];
const helpLine = /^ +failing-ids +failing\.txt: the id of each failing finding, one a line$/m;

describe('a format added by registering one writer', () => {
  test('reaches --format parsing, all, the help of every command that writes reports, and the files scan writes', async () => {
    const before = await helpOf('scan');
    expect(before).not.toMatch(helpLine);
    expect(parseFormats('failing-ids').unknown).toEqual(['failing-ids']);

    const unregister = registerReportWriter(LINES);
    try {
      expect(parseFormats('md,failing-ids')).toEqual({ formats: ['md', 'failing-ids'], unknown: [] });
      expect(parseFormats('all').formats.at(-1)).toBe('failing-ids');
      expect(unknownFormatMessage(['pdf'])).toContain('failing-ids, all)');
      for (const c of WRITING_COMMANDS) expect({ c, listed: helpLine.test(await helpOf(c)) }).toEqual({ c, listed: true });

      const out = mkdtempSync(join(tmpdir(), 'tp-registry-'));
      const code = await quietly(() => main(['scan', '--events', STOP, '--format', 'failing-ids', '--out', out, '--fail-on', 'none', '--quiet']));
      expect(code).toBe(0);
      const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
      const failing = doc.findings.filter((f) => f.status === 'fail').map((f) => f.id);
      expect(failing.length).toBeGreaterThan(0);
      // --fail-on none: the tally the writer was given blocks nothing.
      expect(readFileSync(join(out, 'failing.txt'), 'utf8')).toBe(`${failing.map((id) => `${id}\n`).join('')}blocking 0\n`);
    } finally {
      unregister();
    }
    expect(parseFormats('failing-ids').unknown).toEqual(['failing-ids']);
    expect(await helpOf('scan')).toBe(before);
  });

  test('a name or file another format has is refused', () => {
    expect(() => registerReportWriter({ ...LINES, format: 'md' })).toThrow(/clashes with md/);
    expect(() => registerReportWriter({ ...LINES, file: 'findings.json' })).toThrow(/clashes with json/);
    expect(() => registerReportWriter({ ...LINES, format: 'all' })).toThrow(/not usable/);
    expect(reportWriters().map((w) => w.format)).toEqual(['json', 'md', 'sarif', 'junit', 'html', 'csv', 'findings-csv', 'asff']);
  });

  test('every built-in writer has its own format and file, and each command lists each one in its help', async () => {
    const writers = reportWriters();
    expect(new Set(writers.map((w) => w.format)).size).toBe(writers.length);
    expect(new Set(writers.map((w) => w.file)).size).toBe(writers.length);
    for (const c of WRITING_COMMANDS) {
      const help = await helpOf(c);
      for (const w of writers) {
        const line = new RegExp(`^ +${escapeRegExp(w.format)} +${escapeRegExp(`${w.file}: ${w.describe}`)}$`, 'm');
        expect({ c, w: w.format, listed: line.test(help) }).toEqual({ c, w: w.format, listed: true });
      }
    }
  });
});
