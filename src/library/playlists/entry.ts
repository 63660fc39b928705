/** One line of a playlist, as stored in the file. */
export interface PlaylistEntry {
  /**
   * As written in the file: a path (relative to the playlist's folder, or absolute) or a URL.
   * Kept verbatim, so rewriting a playlist never churns entries the user did not touch.
   */
  readonly location: string;
  /** Absolute path of a file entry (also for file:// URLs); undefined for other URLs. */
  readonly path?: string;
  /** Set for entries that are URLs (http, https, ...), kept as written. */
  readonly url?: string;
  /** Seconds, from `#EXTINF` or PLS `LengthN`; undefined when unknown (-1). */
  readonly duration?: number;
  /** Display text, by convention "Artist - Title". */
  readonly title?: string;
  /** Other `#` lines that preceded the entry (e.g. #EXTGRP), written back unchanged. */
  readonly directives?: readonly string[];
}

/** An entry as a store returns it: whether its file still exists. */
export interface PlaylistItem extends PlaylistEntry {
  /** The file is gone. Shown as missing, never silently dropped. URLs are never missing. */
  readonly missing: boolean;
}

/** What callers add to a playlist: a file or a URL, with what is known about it. */
export interface PlaylistTrackInput {
  /** Absolute path of a file; written relative to the playlist where possible. */
  readonly path?: string;
  readonly url?: string;
  readonly duration?: number;
  readonly artist?: string;
  readonly title?: string;
}

/** What a playlist should record for a scanned track: its path, duration, artist and title. */
export function playlistInputFor(track: {
  readonly path: string;
  readonly tags: { readonly title?: string; readonly artist?: string; readonly duration?: number };
}): PlaylistTrackInput {
  return { path: track.path, duration: track.tags.duration, artist: track.tags.artist, title: track.tags.title };
}
