import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_VALIDATION_CONTROLS } from '../../src/integrity/to-findings';
import { REPO } from '../support/paths';

/**
 * validate-logs' findings map to the CIS control that asks for log file validation, in every CIS
 * version the project catalogues: the same controls as the posture rule that checks the setting.
 */
test('every CIS catalogue names the control, titled as CIS titles log file validation', () => {
  const dir = join(REPO, 'controls');
  const versions = readdirSync(dir).filter((f) => f.startsWith('cis-aws@')).map((f) => f.replace(/\.json$/, ''));
  expect(versions.length).toBeGreaterThanOrEqual(5);
  for (const v of versions) {
    const ref = LOG_VALIDATION_CONTROLS.find((c) => c.startsWith(`${v}:`));
    expect(ref).toBeDefined();
    const catalogue = JSON.parse(readFileSync(join(dir, `${v}.json`), 'utf8')) as { controls: { id: string; title: string }[] };
    const control = catalogue.controls.find((c) => `${v}:${c.id}` === ref);
    expect(control?.title).toMatch(/CloudTrail log file validation is enabled/);
  }
});

test('the same controls as the posture rule for the setting', () => {
  const rule = JSON.parse(readFileSync(join(REPO, 'rules', 'posture', 'cis-cloudtrail-log-file-validation.json'), 'utf8')) as { controls: string[] };
  expect([...LOG_VALIDATION_CONTROLS].sort()).toEqual(rule.controls.filter((c) => c.startsWith('cis-aws@')).sort());
});
