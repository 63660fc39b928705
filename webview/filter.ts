/**
 * Live queue filtering: every word of the query must appear in the title, artist or album,
 * ignoring case and accents ("beyonce" finds "Beyoncé"). Accents are the combining marks
 * left by NFD decomposition; letters such as "ø" or "ß" are letters of their own and stay.
 * Pure, unit-tested.
 */
import type { QueueItem } from '../src/protocol/messages';

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower-cased, accent-free form used on both sides of the comparison. */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

export function searchKey(item: Pick<QueueItem, 'title' | 'artist' | 'album'>): string {
  return normalizeForSearch([item.title, item.artist ?? '', item.album ?? ''].join('\u0000'));
}

export function queryWords(query: string): string[] {
  return normalizeForSearch(query).split(/\s+/).filter((word) => word.length > 0);
}

export function matchesWords(key: string, words: readonly string[]): boolean {
  return words.every((word) => key.includes(word));
}

/**
 * Indices of the items that match `query`, in queue order; undefined when the query is empty
 * (no filter). `keys` are the items' precomputed searchKey()s, built once per queue.
 */
export function filterIndices(keys: readonly string[], query: string): number[] | undefined {
  const words = queryWords(query);
  if (words.length === 0) return undefined;
  const result: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (matchesWords(keys[i]!, words)) result.push(i);
  }
  return result;
}

/**
 * Where the query's words occur in `text`, as [start, end) ranges of `text` (merged, sorted),
 * for highlighting matches the way VS Code's lists do. Matching is on the normalized form, so
 * each normalized character remembers which original character it came from.
 */
export function matchRanges(text: string, words: readonly string[]): [number, number][] {
  if (words.length === 0 || text.length === 0) return [];
  let normalized = '';
  const origin: number[] = []; // origin[k] = index in `text` of normalized[k]
  let index = 0;
  for (const char of text) {
    const folded = normalizeForSearch(char);
    for (let k = 0; k < folded.length; k++) origin.push(index);
    normalized += folded;
    index += char.length;
  }
  const ranges: [number, number][] = [];
  for (const word of words) {
    for (let at = normalized.indexOf(word); at !== -1; at = normalized.indexOf(word, at + 1)) {
      const start = origin[at]!;
      const lastOrigin = origin[at + word.length - 1]!;
      const end = lastOrigin + (text.codePointAt(lastOrigin)! > 0xffff ? 2 : 1);
      ranges.push([start, end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}
