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

/** The IAM actions of the SDK commands a source file constructs (`new m.logs.DescribeLogGroupsCommand(`). */
export function commandsInFile(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/new (?:ctx\.)?m\.([a-z]+)\.([A-Za-z]+)Command\(/g)) out.add(`${PREFIX[m[1]] ?? `?${m[1]}`}:${m[2]}`);
  return [...out].sort();
}

/** Every file that constructs live SDK commands: the live sources and the resource modules' readers. */
export function liveCodeFiles(): string[] {
  const sources = join(REPO, 'src', 'sources');
  const resources = join(REPO, 'src', 'resources');
  return [
    ...readdirSync(sources).filter((n) => n.startsWith('live-') && n.endsWith('.ts')).map((n) => join(sources, n)),
    ...readdirSync(resources).filter((n) => n.endsWith('.ts')).map((n) => join(resources, n)),
  ];
}

export function commandsInCode(): string[] {
  const dir = join(REPO, 'src', 'sources');
  const out = new Set<string>(liveCodeFiles().flatMap(commandsInFile));
  // the archive event source reads S3 through the shared object store
  const store = readFileSync(join(dir, 's3-object-store.ts'), 'utf8');
  for (const m of store.matchAll(/this\.s3\.([A-Za-z0-9]+)Command\(/g)) out.add(IAM_NAME[`s3:${m[1]}`] ?? `s3:${m[1]}`);
  return [...out].sort();
}

