import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
/** ../shared/data beside the checkout (CI puts shared/ there). */
export const SHARED_DATA = join(REPO, '..', 'shared', 'data');
export const FIXTURES = join(REPO, 'test', 'fixtures');
