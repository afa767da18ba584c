/**
 * Event fields are attacker-controlled. Before anything reaches a terminal, drop C0/C1 control
 * characters (ESC starts colour, cursor and OSC-8 link sequences; CR can overwrite a line) and
 * show them as visible escapes instead.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeForTerminal(s: string, keepNewlines = false): string {
  const out = s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return keepNewlines ? out : out.replace(/\n/g, '\\n');
}
