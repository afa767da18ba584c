import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../support/paths';

const DIR = join(REPO, 'src', 'resources');

/** The one file of src/resources that defines a type (`const TYPE = '<type>'`). */
export function moduleFile(type: string): string {
  const files = readdirSync(DIR)
    .filter((n) => n.endsWith('.ts'))
    .map((n) => join(DIR, n))
    .filter((f) => readFileSync(f, 'utf8').includes(`const TYPE = '${type}';`));
  if (files.length !== 1) throw new Error(`${type} is defined in ${files.length} files of src/resources (expected one): ${files.join(', ')}`);
  return files[0];
}
