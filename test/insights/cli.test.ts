import { main } from '../../src/cli/main';
import { insightsQuery } from '../../src/insights/translate';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('trailproof pattern insights', () => {
  const P = '{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }';
  test('prints both queries, and the differences on stderr', async () => {
    const r = await run(['pattern', 'insights', '--pattern', P]);
    expect(r.code).toBe(0);
    const q = insightsQuery(P);
    expect(r.out).toContain(q.query);
    expect(r.out).toContain(q.byPrincipal);
    expect(r.err).toContain('100 fields');
  });
  test('--json is the translation as data', async () => {
    const r = await run(['pattern', 'insights', '--pattern', P, '--json']);
    expect(JSON.parse(r.out)).toEqual(insightsQuery(P));
  });
  test('a pattern AWS would reject is a usage error (exit 2)', async () => {
    expect((await run(['pattern', 'insights', '--pattern', '{ $.eventName = '])).code).toBe(2);
  });
});
