import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Where a construct is made in the TypeScript source: `new Cloudtrail(stack, 'audit_trail', {`. */
export interface ConstructSite {
  /** Relative to the repository root, forward slashes. */
  path: string;
  line: number;
}

// A construct is made as `new Type(scope, 'id'`; the id is the last segment of its path.
const CONSTRUCT = /new\s+[A-Z][\w.]*\s*\(\s*[\w.]+\s*,\s*(['"`])([^'"`$\n]+)\1/g;
const SKIP = new Set(['node_modules', 'cdktf.out', 'out', 'dist', 'coverage', 'test-out']);
/** Bounds on the walk, so a huge checkout costs at most this much. */
const MAX_FILES = 5_000;
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Construct ids to the places that make them, over the repository's `.ts` sources (not tests,
 * not generated output). cdk.tf.json is build output, usually not committed, so code scanning
 * cannot show a result there; the line that makes the construct is where the fix goes. Built on
 * first use; an id made in several places, or built from a template, maps to nothing.
 */
export class ConstructSources {
  private index?: Map<string, ConstructSite[]>;

  constructor(private readonly root: string) {}

  /** The one place the construct at this path is made, if exactly one is known. */
  find(constructPath: string): ConstructSite | undefined {
    const id = constructPath.split('/').pop();
    if (!id) return undefined;
    const sites = this.build().get(id);
    return sites && sites.length === 1 ? sites[0] : undefined;
  }

  private build(): Map<string, ConstructSite[]> {
    if (this.index) return this.index;
    const index = new Map<string, ConstructSite[]>();
    let files = 0;
    let bytes = 0;
    const walk = (dir: string): void => {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        return;
      }
      for (const name of names) {
        if (files >= MAX_FILES || bytes >= MAX_BYTES) return;
        if (name.startsWith('.') || SKIP.has(name) || name === 'test' || name === 'tests') continue;
        const p = join(dir, name);
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) walk(p);
        else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) {
          files++;
          bytes += st.size;
          const text = readFileSync(p, 'utf8');
          for (const m of text.matchAll(CONSTRUCT)) {
            const line = text.slice(0, m.index).split('\n').length;
            const site = { path: relative(this.root, p).split(sep).join('/'), line };
            const list = index.get(m[2]) ?? index.set(m[2], []).get(m[2])!;
            list.push(site);
          }
        }
      }
    };
    walk(this.root);
    this.index = index;
    return index;
  }
}
