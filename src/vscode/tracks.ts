import type { ScannedTrack } from '../library';
import type { Track } from '../player';

/** The library's scan result as the player's track (plain data, persisted as is). */
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
  };
}
