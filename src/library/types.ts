/**
 * The library's own vocabulary. Plain data only (JSON-serialisable), so tracks can be cached
 * on disk, sent to a webview or printed by the CLI. The VS Code glue maps these to the
 * player's `Track`.
 */

/** Loudness normalisation values as written by ReplayGain taggers. */
export interface ReplayGain {
  /** Track gain in dB. */
  readonly trackGain?: number;
  /** Track peak as a linear sample ratio (1 = full scale). */
  readonly trackPeak?: number;
  readonly albumGain?: number;
  readonly albumPeak?: number;
}

/** What the file's tags say (after filename fallbacks, see `inferred`). */
export interface TrackTags {
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
  readonly albumArtist?: string;
  readonly trackNumber?: number;
  readonly trackTotal?: number;
  readonly discNumber?: number;
  readonly discTotal?: number;
  readonly year?: number;
  readonly genre?: readonly string[];
  /** Seconds, when the container tells it cheaply (not for Ogg without a full read). */
  readonly duration?: number;
  readonly replayGain?: ReplayGain;
  /**
   * Whether the file embeds a picture. Undefined (unknown) from the default scan reader,
   * which skips covers for speed; set by `createTagReader({ detectCovers: true })`. To show
   * art, ask `CoverCache.get(path)`, which reads it lazily (undefined: none).
   */
  readonly hasCover?: boolean;
  readonly codec?: string;
  readonly sampleRate?: number;
  readonly channels?: number;
  /** Bits per second. */
  readonly bitrate?: number;
  readonly lossless?: boolean;
  /**
   * Fields that were not in the tags and were guessed from the file or folder name, so a UI
   * can show them differently or offer to write them.
   */
  readonly inferred?: readonly InferableField[];
}

export type InferableField = 'title' | 'artist' | 'album' | 'trackNumber' | 'discNumber';

/** An audio file found by a scan, with its tags. */
export interface ScannedTrack {
  /** Absolute path as reached from the scan root (a symlink's path, not its target). */
  readonly path: string;
  /** Absolute path of the folder holding the file (`path.dirname(path)`). */
  readonly folder: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly tags: TrackTags;
}

export type SkipKind =
  /** A folder that could not be listed (permissions, I/O error). */
  | 'unreadable-folder'
  /** A file whose extension is not an audio format Playhead plays. */
  | 'unsupported'
  /** An audio file whose tags could not be read (corrupt, truncated, wrong content). */
  | 'unreadable-file'
  /** A symbolic link whose target does not exist. */
  | 'broken-link'
  /** A symbolic link to a folder that was already scanned (a loop or a second way in). */
  | 'duplicate-folder'
  /** Not a regular file or folder (FIFO, socket, device): reading it could block forever. */
  | 'special-file';

/** A file or folder the scan did not turn into a track, and why. */
export interface SkippedEntry {
  readonly path: string;
  readonly kind: SkipKind;
  /** One sentence for people, e.g. "unsupported file type .txt". */
  readonly reason: string;
}
