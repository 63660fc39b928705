import * as path from 'node:path';
import type { ScannedTrack } from './types';

/**
 * Track order the way a person expects it: folder by folder (a folder's own files before its
 * subfolders), then disc, then track number, then the file name in natural order ("2 x"
 * before "10 x", case-insensitive).
 */

// numeric: digit runs compare as numbers; sensitivity 'accent': case is ignored but "é" != "e".
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'accent' });

/** Natural, case-insensitive comparison with a code-point tie-break, so it is a total order. */
export function naturalCompare(a: string, b: string): number {
  const byCollator = collator.compare(a, b);
  if (byCollator !== 0) return byCollator;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface SortKey {
  readonly folderSegments: readonly string[];
  readonly disc: number;
  readonly track: number;
  readonly name: string;
  readonly path: string;
}

function keyOf(track: ScannedTrack, segmentsByFolder?: Map<string, readonly string[]>): SortKey {
  // Split once per folder here rather than in every comparison.
  let folderSegments = segmentsByFolder?.get(track.folder);
  if (!folderSegments) {
    folderSegments = splitFolder(track.folder);
    segmentsByFolder?.set(track.folder, folderSegments);
  }
  return {
    folderSegments,
    // A missing disc number is treated as disc 1: albums often tag only some files.
    disc: track.tags.discNumber ?? 1,
    // Untagged tracks go after numbered ones of the same disc, then by name.
    track: track.tags.trackNumber ?? Number.POSITIVE_INFINITY,
    name: path.basename(track.path),
    path: track.path,
  };
}

function compareKeys(a: SortKey, b: SortKey): number {
  const folders = compareSegments(a.folderSegments, b.folderSegments);
  if (folders !== 0) return folders;
  if (a.disc !== b.disc) return a.disc - b.disc;
  if (a.track !== b.track) return a.track < b.track ? -1 : 1;
  const names = naturalCompare(a.name, b.name);
  if (names !== 0) return names;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  // Tracks of one folder share their segments array (see keyOf).
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = naturalCompare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  // A parent folder (a prefix) comes before its subfolders.
  return a.length - b.length;
}

function splitFolder(folder: string): string[] {
  return folder.split(/[\\/]+/);
}

/** Folder order alone: the order in which a scan's per-folder results belong together. */
export function compareFolders(a: string, b: string): number {
  return compareSegments(splitFolder(a), splitFolder(b));
}

export function compareTracks(a: ScannedTrack, b: ScannedTrack): number {
  return compareKeys(keyOf(a), keyOf(b));
}

/** A sorted copy; keys are computed once per track (decorate-sort-undecorate). */
export function sortTracks<T extends ScannedTrack>(tracks: readonly T[]): T[] {
  const segmentsByFolder = new Map<string, readonly string[]>();
  const decorated = tracks.map((track) => ({ track, key: keyOf(track, segmentsByFolder) }));
  decorated.sort((x, y) => compareKeys(x.key, y.key));
  return decorated.map((d) => d.track);
}

/**
 * Where `track` belongs in an already sorted list (binary search). Lets a consumer merge the
 * folders a scan streams in without re-sorting the whole queue each time.
 */
export function sortedInsertionIndex(sorted: readonly ScannedTrack[], track: ScannedTrack): number {
  const key = keyOf(track);
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(keyOf(sorted[mid]!), key) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
