import type { RecordScreen } from '../model/record-screen';

/**
 * The fast matcher's screen (see docs/performance.md). A record can only match a rule if its
 * eventName is indexed (exactly or by a glob) or its text contains one of the tokens the
 * unindexed rules require. Both facts are read for a whole text at once (one global regex pass for
 * the names, one indexOf pass per token), each a native scan over the bytes, instead of several
 * searches per record: per record only a cursor moves over the hits.
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

/**
 * One literal searched by a distinctive part of it and confirmed in full at each hit. For a short
 * pattern V8's indexOf looks for its first character and compares from there, so one that starts
 * with a character found every few bytes of JSON (`"`, lowercase letters, the `A` of every ARN and
 * key id) crawls, and one that starts at a rarer uppercase letter skips ahead; long patterns get
 * Boyer-Moore-Horspool, which is best given whole. Measured per 80,000 bench records:
 * `AccessDenied` 42 ms, `Denied` 10 ms; `UnauthorizedOperation"` 24 ms, `Operation"` 39 ms.
 */
class Literal {
  private readonly anchor: string;
  private readonly offset: number;

  constructor(private readonly token: string) {
    let at = 0;
    for (let i = token.length - 1; i > 0 && token.length < 16; i--) {
      const c = token.charCodeAt(i);
      if (c >= 65 && c <= 90 && c !== 65 /* A */ && token.length - i >= 4) {
        at = i;
        break;
      }
    }
    if (at === 0 && token.length > 2 && token.charCodeAt(0) === 34) at = 1;
    this.offset = at;
    this.anchor = token.slice(at);
  }

  /** Every start position of the token in text, ascending. */
  find(text: string, out: number[]): void {
    const { token, anchor, offset } = this;
    for (let h = text.indexOf(anchor); h >= 0; h = text.indexOf(anchor, h + 1)) {
      const start = h - offset;
      if (start >= 0 && (offset === 0 || text.startsWith(token, start))) out.push(start);
    }
  }
}

export class TextScreen implements RecordScreen {
  /** null: some unindexed rule needs no token, so every record is parsed. */
  private readonly literals: Literal[] | null;
  private text = '';
  private scanned = false;
  // Hits of the current text, in ascending position, and the cursors over them.
  private namePos: number[] = [];
  private nameVal: (string | undefined)[] = [];
  private tokenPos: number[] = [];
  private ni = 0;
  private ti = 0;

  constructor(private readonly index: ScreenIndex) {
    this.literals = index.tokens ? ['\\u', '\\/', ...new Set(index.tokens)].map((t) => new Literal(t)) : null;
  }

  reset(text: string): void {
    this.text = text;
    this.scanned = false;
  }

  mayMatch(start: number, end: number): boolean {
    if (this.literals === null) return true;
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
    for (const l of this.literals as Literal[]) l.find(text, tp);
    // Hits are rare (a few per file), so one sort after the passes is cheap.
    if ((this.literals as Literal[]).length > 1) tp.sort((x, y) => x - y);
    this.namePos = np;
    this.nameVal = nv;
    this.tokenPos = tp;
    this.ni = 0;
    this.ti = 0;
    this.scanned = true;
  }
}
