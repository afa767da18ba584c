import type { Finding, FindingList } from '../model/finding';

/** Several lists read one after the other as one (event findings, then posture findings). */
export function concatFindings(parts: readonly FindingList[]): FindingList {
  return {
    length: parts.reduce((n, p) => n + p.length, 0),
    *[Symbol.iterator]() {
      for (const p of parts) yield* p;
    },
  };
}

/**
 * A list seen through a per-finding change (suppressions, baseline), applied anew on every read,
 * so a list that lives on disk is never copied into memory to be changed.
 */
export function mapFindings(list: FindingList, fn: (f: Finding) => Finding): FindingList {
  return {
    length: list.length,
    *[Symbol.iterator]() {
      for (const f of list) yield fn(f);
    },
  };
}
