import type { Track } from './track';

/** Which ReplayGain value a track plays at: none, its own, or its album's (else its own). */
export type ReplayGainMode = 'off' | 'track' | 'album';
export const replayGainModes: readonly ReplayGainMode[] = ['off', 'track', 'album'];

/** Beyond +18 dB a tag is damaged, not a quiet recording. */
const MAX_GAIN = 8;

/**
 * The linear factor to play `track` at: 10^(gain/20) of the chosen ReplayGain value, lowered
 * so that the tagged peak does not clip (what foobar2000 calls "prevent clipping according to
 * peak"). 1 when the mode is off or the track carries no value.
 */
export function replayGainFactor(track: Track, mode: ReplayGainMode): number {
  const tags = track.replayGain;
  if (mode === 'off' || !tags) return 1;
  const useAlbum = mode === 'album' && tags.albumGain !== undefined;
  const db = useAlbum ? tags.albumGain : tags.trackGain;
  if (db === undefined) return 1;
  const peak = useAlbum ? (tags.albumPeak ?? tags.trackPeak) : tags.trackPeak;
  let factor = Math.min(MAX_GAIN, 10 ** (db / 20));
  if (peak !== undefined && peak > 0 && factor * peak > 1) factor = 1 / peak;
  return factor;
}
