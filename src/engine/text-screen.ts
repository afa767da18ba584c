import type { RecordScreen } from '../model/record-screen';

/**
 * The fast matcher's screen (see docs/performance.md). A record can only match a rule if its
 * eventName is indexed (exactly or by a glob) or its text contains one of the tokens the
 * unindexed rules require. Both facts are read for a whole text at once with two global regex
 * passes, each a native scan over the bytes, instead of several searches per record: per record
 * only a cursor moves over the hits.
 *
 * Exactness: every occurrence of the string `"eventName"` is found (an escape inside a key is
 * caught by the escape check), so a record is only judged by its name when exactly one occurs and
 * its value is a plain string. If that one occurrence is nested, the record has no top-level
 * eventName and no name-indexed rule can match it either way. Records with a `\u` or `\/` escape
 * are always parsed, since an escape could spell a token or a name differently.
 */
export interface ScreenIndex {
  /** Whether an eventName value is one some rule is indexed by. */
  isIndexedName(name: string): boolean;
  /** Literal substrings of which an unindexed rule needs one; null: some rule needs nothing, parse all. */
  tokens: readonly string[] | null;
}

// Group 1 is set only for the plain form `"eventName":"value"` with no escape in the value.
const NAME = /"eventName"(?::"([^"\\]*)")?/g;

function literal(t: string): string {
  return t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export class TextScreen implements RecordScreen {
  private readonly tokenRe: RegExp | null;
  /** Searched text -> whether a `"` must precede it to count (the token's leading quote was cut). */
  private readonly needsQuote = new Map<string, boolean>();
  private text = '';
  private scanned = false;
  // Hits of the current text, in ascending position, and the cursors over them.
  private namePos: number[] = [];
  private nameVal: (string | undefined)[] = [];
  private tokenPos: number[] = [];
  private ni = 0;
  private ti = 0;

  constructor(private readonly index: ScreenIndex) {
    // A leading quote is cut from the searched text and checked at each hit: a pattern that starts
    // with `"` (a character every few bytes of JSON), or a lookbehind, makes the scan several times
    // slower.
    if (index.tokens) {
      for (const t of index.tokens) {
        const cut = t.length > 2 && t.startsWith('"');
        const searched = cut ? t.slice(1) : t;
        this.needsQuote.set(searched, cut && (this.needsQuote.get(searched) ?? true));
      }
      this.tokenRe = new RegExp(['\\\\[u/]', ...[...this.needsQuote.keys()].map(literal)].join('|'), 'g');
    } else {
      this.tokenRe = null;
    }
  }

  reset(text: string): void {
    this.text = text;
    this.scanned = false;
  }

  mayMatch(start: number, end: number): boolean {
    if (this.tokenRe === null) return true;
    if (!this.scanned) this.scan();
    const np = this.namePos;
    let i = this.ni;
    while (i < np.length && np[i] < start) i++;
    this.ni = i;
    // Exactly one eventName key, with a plain string value, or the record must be parsed.
    if (i >= np.length || np[i] >= end) return true;
    if (i + 1 < np.length && np[i + 1] < end) return true;
    const name = this.nameVal[i];
    if (name === undefined || this.index.isIndexedName(name)) return true;
    const tp = this.tokenPos;
    let j = this.ti;
    while (j < tp.length && tp[j] < start) j++;
    this.ti = j;
    return j < tp.length && tp[j] < end;
  }

  private scan(): void {
    const text = this.text;
    const np: number[] = [];
    const nv: (string | undefined)[] = [];
    NAME.lastIndex = 0;
    for (let m = NAME.exec(text); m; m = NAME.exec(text)) {
      np.push(m.index);
      nv.push(m[1]);
    }
    const tp: number[] = [];
    const re = this.tokenRe as RegExp;
    re.lastIndex = 0;
    // Step one character past each hit, not past the whole hit, so overlapping tokens are all seen.
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (!this.needsQuote.get(m[0]) || text.charCodeAt(m.index - 1) === 34) tp.push(m.index);
      re.lastIndex = m.index + 1;
    }
    this.namePos = np;
    this.nameVal = nv;
    this.tokenPos = tp;
    this.ni = 0;
    this.ti = 0;
    this.scanned = true;
  }
}
