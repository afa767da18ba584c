/**
 * npm run iam-policy: write docs/iam-policy.json from the resource registry (each type's live
 * reader declares the actions it calls) and the event sources. test/posture/iam-policy.test.ts
 * fails while the file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOnlyPolicy } from '../src/sources/read-only-policy';

const file = join(__dirname, '..', 'docs', 'iam-policy.json');
writeFileSync(file, `${JSON.stringify(readOnlyPolicy(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
