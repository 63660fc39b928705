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
