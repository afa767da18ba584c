import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../support/paths';

const PREFIX: Record<string, string> = {
  config: 'config',
  cloudtrail: 'cloudtrail',
  logs: 'logs',
  cloudwatch: 'cloudwatch',
  sns: 'sns',
  securityhub: 'securityhub',
};

/** SDK command -> IAM action, where the names differ. */
const IAM_NAME: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };

export function policyActions(): string[] {
  const doc = JSON.parse(readFileSync(join(REPO, 'docs', 'iam-policy.json'), 'utf8')) as { Statement: { Effect: string; Action: string[]; Resource: string }[] };
  return doc.Statement.flatMap((s) => s.Action);
}

export function commandsInCode(): string[] {
  const dir = join(REPO, 'src', 'sources');
  const out = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('live-') && n.endsWith('.ts'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/new m\.([a-z]+)\.([A-Za-z]+)Command\(/g)) out.add(`${PREFIX[m[1]] ?? `?${m[1]}`}:${m[2]}`);
  }
  // the archive event source reads S3 through the shared object store
  const store = readFileSync(join(dir, 's3-object-store.ts'), 'utf8');
  for (const m of store.matchAll(/this\.s3\.([A-Za-z0-9]+)Command\(/g)) out.add(IAM_NAME[`s3:${m[1]}`] ?? `s3:${m[1]}`);
  return [...out].sort();
}

