import type { Track } from '../player/track';
import type { ScannedTrack } from './types';

/**
 * The library's scan result as the player's track (plain data, persisted as is). Lives here,
 * not in src/vscode, so the CLI and the REST API map scans the same way without `vscode`.
 */
export function toPlayerTrack(scanned: ScannedTrack): Track {
  const { tags } = scanned;
  return {
    uri: scanned.path,
    ...(tags.title !== undefined && { title: tags.title }),
    ...(tags.artist !== undefined && { artist: tags.artist }),
    ...(tags.album !== undefined && { album: tags.album }),
    ...(tags.albumArtist !== undefined && { albumArtist: tags.albumArtist }),
    ...(tags.duration !== undefined && { durationMs: Math.round(tags.duration * 1000) }),
    ...(tags.trackNumber !== undefined && { trackNo: tags.trackNumber }),
    ...(tags.discNumber !== undefined && { discNo: tags.discNumber }),
    ...(tags.hasCover !== undefined && { hasCover: tags.hasCover }),
    ...(tags.replayGain !== undefined && { replayGain: tags.replayGain }),
  };
}
