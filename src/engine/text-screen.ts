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
 * Characters of CloudTrail JSON, most frequent first (counted in the bench's files, built from real
 * records): `"` is one byte in ten, `e` one in twelve, `R` one in 300, `O` one in 500, `\\` one in
 * 5,000. Anything not listed counts as rarer than all of these.
 */
const BY_FREQUENCY = '"etasr:n0-c,2oid1um3lIA8497 56v.pSfwyCgbDhTE{}HP/MNRVKZzGLqUF _OQXkJBWxYj[]+();\\%=#*\'@$&?';

function rarity(c: string): number {
  const i = BY_FREQUENCY.indexOf(c);
  return i < 0 ? BY_FREQUENCY.length : i;
}

/**
 * The part of a token to search for, and where it starts in the token. V8's indexOf looks for a
 * pattern shorter than 7 characters by its first character (memchr) and compares from each
 * occurrence, so the cost follows how often that character occurs; from 7 on it switches to
 * Boyer-Moore-Horspool keyed on the last character, which in JSON is often `"` or a lowercase
 * letter, and crawls. So the anchor is the 4 to 6 characters of the token that start with its
 * rarest character (longer on a tie), and every hit is confirmed against the whole token.
 * Measured over 20 bench files (46.7 MB): `Insight"` 28.5 ms, `Insigh` 7.3 ms; `"Root"` as a
 * whole ~40 ms, `Root"` 3.3 ms; `UnauthorizedOperation"` whole 10 ms.
 */
export function anchorOf(token: string): { anchor: string; offset: number } {
  if (token.length <= 4) return { anchor: token, offset: 0 };
  let best = { anchor: token.slice(0, 6), offset: 0 };
  let bestScore = -1;
  for (let at = 0; at + 4 <= token.length; at++) {
    const anchor = token.slice(at, at + 6);
    const score = rarity(token[at]) * 8 + anchor.length;
    if (score > bestScore) {
      bestScore = score;
      best = { anchor, offset: at };
    }
  }
  return best;
}

/**
 * Tokens found by their anchors: tokens that share an anchor (`"ApiCallRateInsight"` and
 * `"ApiErrorRateInsight"` both by `RateIn`) are searched for once.
 */
class Literals {
  private readonly groups: { anchor: string; members: { token: string; offset: number }[] }[] = [];

  constructor(tokens: readonly string[]) {
    const byAnchor = new Map<string, { token: string; offset: number }[]>();
    for (const token of tokens) {
      const { anchor, offset } = anchorOf(token);
      let members = byAnchor.get(anchor);
      if (!members) byAnchor.set(anchor, (members = []));
      members.push({ token, offset });
    }
    for (const [anchor, members] of byAnchor) this.groups.push({ anchor, members });
  }

  /** Every start position of every token in text, in no particular order. */
  find(text: string, out: number[]): void {
    for (const { anchor, members } of this.groups) {
      for (let h = text.indexOf(anchor); h >= 0; h = text.indexOf(anchor, h + 1)) {
        for (const { token, offset } of members) {
          const start = h - offset;
          if (start >= 0 && (token.length === anchor.length || text.startsWith(token, start))) out.push(start);
        }
      }
    }
  }
}

export class TextScreen implements RecordScreen {
  /** null: some unindexed rule needs no token, so every record is parsed. */
  private readonly literals: Literals | null;
  private text = '';
  private scanned = false;
  // Hits of the current text, in ascending position, and the cursors over them.
  private namePos: number[] = [];
  private nameVal: (string | undefined)[] = [];
  private tokenPos: number[] = [];
  private ni = 0;
  private ti = 0;

  constructor(private readonly index: ScreenIndex) {
    this.literals = index.tokens ? new Literals(['\\u', '\\/', ...new Set(index.tokens)]) : null;
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
    (this.literals as Literals).find(text, tp);
    // Hits are rare (a few per file), so one sort after the passes is cheap.
    tp.sort((x, y) => x - y);
    this.namePos = np;
    this.nameVal = nv;
    this.tokenPos = tp;
    this.ni = 0;
    this.ti = 0;
    this.scanned = true;
  }
}
