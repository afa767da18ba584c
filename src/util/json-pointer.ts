/**
 * Line numbers of the values in a JSON text, by JSON pointer, down to `maxDepth`. JSON.parse
 * forgets positions; reports need them to link a finding to the line that defines the resource.
 * Assumes the text already parsed (it is only called after JSON.parse succeeded).
 */
export function jsonPointerLines(text: string, maxDepth: number): Map<string, number> {
  const out = new Map<string, number>();
  type Frame = { kind: 'object' | 'array'; pointer: string; key: string | null; index: number };
  const stack: Frame[] = [];
  let line = 1;
  let i = 0;
  let expectKey = false;

  const currentPointer = (): string | null => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'array') return `${top.pointer}/${top.index}`;
    return top.key === null ? null : `${top.pointer}/${pointerEscape(top.key)}`;
  };
  const valueStarts = () => {
    const p = currentPointer();
    if (p !== null && stack.length <= maxDepth && !out.has(p)) out.set(p, line);
    return p ?? '';
  };
  const readString = (): string => {
    let s = '';
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          s += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'b' ? '\b' : n === 'f' ? '\f' : n;
        i += 2;
        continue;
      }
      if (c === '\n') line++;
      s += c;
      i++;
    }
    return s;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === ':') {
      i++;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      else if (top) expectKey = true;
      i++;
    } else if (c === '{' || c === '[') {
      const pointer = valueStarts();
      stack.push({ kind: c === '{' ? 'object' : 'array', pointer, key: null, index: 0 });
      expectKey = c === '{';
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === '"') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && expectKey) {
        top.key = readString();
        expectKey = false;
      } else {
        valueStarts();
        readString();
      }
    } else {
      valueStarts();
      while (i < text.length && !/[,\]}\s]/.test(text[i])) i++;
    }
  }
  return out;
}

export function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
