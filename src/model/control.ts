/** A control reference in a rule: `framework@version:id`, e.g. `cis-aws@3.0.0:4.1`. */
export interface ControlRef {
  framework: string;
  version: string;
  id: string;
}

export interface ControlEntry {
  id: string;
  title: string;
  section: string;
  level?: string;
  assessment: 'automated' | 'manual';
  notes?: string;
}

/** One framework version's catalogue, stored as `controls/<framework>@<version>.json`. */
export interface ControlCatalogue {
  framework: string;
  version: string;
  title: string;
  source: string;
  controls: ControlEntry[];
}

const CONTROL_RE = /^([a-z0-9][a-z0-9-]*)@([A-Za-z0-9.]+):([A-Za-z0-9.()-]+)$/;

export function parseControlRef(s: string): ControlRef | undefined {
  const m = CONTROL_RE.exec(s);
  return m ? { framework: m[1], version: m[2], id: m[3] } : undefined;
}

export function formatControlRef(c: ControlRef): string {
  return `${c.framework}@${c.version}:${c.id}`;
}
