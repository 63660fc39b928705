/**
 * The track as the player knows it: where it is plus the metadata the UI shows. The library
 * maps its scan results to this type. Plain data only, so it serializes to JSON unchanged
 * (persistence, the webview protocol and the REST API all send it as is).
 */
export interface Track {
  /** Absolute file path or http(s) URL; also the identity for favorites. */
  readonly uri: string;
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
  readonly albumArtist?: string;
  /** Known from tags before playback; the engine's measured duration wins once loaded. */
  readonly durationMs?: number;
  readonly trackNo?: number;
  readonly discNo?: number;
  /** Whether the library can produce cover art for it (read lazily, never stored here). */
  readonly hasCover?: boolean;
  /** ReplayGain values from its tags (gains in dB, peaks as linear ratios). */
  readonly replayGain?: TrackReplayGain;
}

export interface TrackReplayGain {
  readonly trackGain?: number;
  readonly trackPeak?: number;
  readonly albumGain?: number;
  readonly albumPeak?: number;
}

const replayGainKeys = ['trackGain', 'trackPeak', 'albumGain', 'albumPeak'] as const;

/** A stored ReplayGain record, or undefined when it is not one (every value a finite number). */
function parseReplayGain(value: unknown): TrackReplayGain | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const gain: { -readonly [K in keyof TrackReplayGain]: TrackReplayGain[K] } = {};
  for (const key of replayGainKeys) {
    const field = record[key];
    if (field === undefined) continue;
    if (typeof field !== 'number' || !Number.isFinite(field)) return undefined;
    gain[key] = field;
  }
  return gain;
}

/**
 * One place in the queue. The same track may be queued twice, so queue positions are
 * identified by `id` (unique within one player's lifetime, and across reloads) and never by uri.
 */
export interface QueueItem {
  readonly id: string;
  readonly track: Track;
}

/** A name to show for a track: its title, or the last path segment of its uri. */
export function displayTitle(track: Track): string {
  if (track.title !== undefined && track.title.trim() !== '') {
    return track.title;
  }
  const withoutQuery = track.uri.replace(/[?#].*$/, '');
  const segments = withoutQuery.split(/[\\/]/).filter((s) => s !== '');
  return segments.at(-1) ?? track.uri;
}

const optionalStrings = ['title', 'artist', 'album', 'albumArtist'] as const;
const optionalNumbers = ['durationMs', 'trackNo', 'discNo'] as const;

/**
 * Validates untrusted data (stored state, messages) and returns a clean Track with only the
 * known fields, or undefined when it is not a track.
 */
export function parseTrack(value: unknown): Track | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.uri !== 'string' || record.uri === '') {
    return undefined;
  }
  const track: { -readonly [K in keyof Track]: Track[K] } = { uri: record.uri };
  for (const key of optionalStrings) {
    const field = record[key];
    if (field !== undefined) {
      if (typeof field !== 'string') {
        return undefined;
      }
      track[key] = field;
    }
  }
  for (const key of optionalNumbers) {
    const field = record[key];
    if (field !== undefined) {
      if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) {
        return undefined;
      }
      track[key] = field;
    }
  }
  if (record.hasCover !== undefined) {
    if (typeof record.hasCover !== 'boolean') {
      return undefined;
    }
    track.hasCover = record.hasCover;
  }
  if (record.replayGain !== undefined) {
    const replayGain = parseReplayGain(record.replayGain);
    if (!replayGain) {
      return undefined;
    }
    track.replayGain = replayGain;
  }
  return track;
}
