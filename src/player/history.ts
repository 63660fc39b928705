import { Track } from './track';

export interface HistoryEntry {
  readonly track: Track;
  /** Date.now() when it started playing. */
  readonly playedAt: number;
}

export const defaultHistoryLimit = 500;

/** Tracks in the order they started playing, newest first, at most `limit` of them. */
export class PlayHistory {
  private items: HistoryEntry[] = [];

  constructor(private readonly limit = defaultHistoryLimit) {}

  get entries(): readonly HistoryEntry[] {
    return this.items;
  }

  record(track: Track, playedAt: number): void {
    this.items.unshift(Object.freeze({ track, playedAt }));
    if (this.items.length > this.limit) {
      this.items.length = this.limit;
    }
  }

  clear(): void {
    this.items = [];
  }

  restore(entries: readonly HistoryEntry[]): void {
    this.items = entries.slice(0, this.limit);
  }
}

/**
 * Favorite tracks, identified by uri (the same file queued twice is one favorite). The track's
 * metadata is kept too so a favorites list can be shown without rescanning.
 */
export class Favorites {
  private readonly byUri = new Map<string, Track>();

  has(uri: string): boolean {
    return this.byUri.has(uri);
  }

  /** In the order they were added. */
  list(): Track[] {
    return [...this.byUri.values()];
  }

  /** Returns whether anything changed. */
  set(track: Track, favorite: boolean): boolean {
    if (favorite === this.byUri.has(track.uri)) {
      return false;
    }
    if (favorite) {
      this.byUri.set(track.uri, track);
    } else {
      this.byUri.delete(track.uri);
    }
    return true;
  }

  restore(tracks: readonly Track[]): void {
    this.byUri.clear();
    for (const track of tracks) {
      this.byUri.set(track.uri, track);
    }
  }
}
