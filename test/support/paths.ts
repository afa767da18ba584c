import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
/** Real-world datasets copied into the repository, each folder with its upstream LICENSE, so a
 *  fresh clone with nothing beside it runs every test. */
export const DATASETS = join(REPO, 'test', 'fixtures', 'datasets');
export const FIXTURES = join(REPO, 'test', 'fixtures');
