import { deadExports } from '../../scripts/dead-exports';
import { REPO } from '../support/paths';

/**
 * Every value export is used by another file (issue 16: renderReport, renderJson, sortFindings
 * and others were exported and used by nobody). Used only where it is declared: drop `export`;
 * used nowhere: delete it. The list below is what something loads by name, outside any import.
 */
const LOADED_BY_NAME = [
  // src/cli/main.ts loads src/cli/commands/<name>.ts and reads `command`
  'src/cli/commands/main.ts: command',
  'src/cli/commands/posture.ts: command',
];

test('no value export is left that no other file uses', () => {
  expect(deadExports(REPO)).toEqual(LOADED_BY_NAME);
});
