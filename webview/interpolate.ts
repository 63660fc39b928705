/**
 * Where the playhead is now, between two position updates from the host. The host sends a
 * position a few times a second; the view extrapolates at 60 fps and re-anchors on each update.
 */
export interface PositionAnchor {
  /** Position at `at`, in ms. */
  readonly positionMs: number;
  /** Local Date.now() time the position refers to. */
  readonly at: number;
  readonly playing: boolean;
}

/** Beyond this the host's clock is not ours (remote window, skewed VM): trust arrival time. */
const MAX_CLOCK_SKEW_MS = 2000;

/**
 * Turns a host timestamp into a local one. In a remote window the extension host runs on
 * another machine whose clock may differ; then the message's arrival time is a better anchor.
 */
export function anchorTime(positionAt: number, receivedAt: number): number {
  const age = receivedAt - positionAt;
  return age >= 0 && age <= MAX_CLOCK_SKEW_MS ? positionAt : receivedAt;
}

/**
 * Updates arrive 4 times a second while playing. When they stop (the engine starved, the
 * extension host busy), the playhead holds this far past the last one instead of running
 * ahead of the audio on the clock alone; the next update re-anchors it.
 */
const MAX_EXTRAPOLATION_MS = 1500;

/** The extrapolated position at `now`, clamped to [0, duration]. Paused positions do not move. */
export function positionAt(anchor: PositionAnchor, now: number, durationMs: number | undefined): number {
  const elapsed = anchor.playing ? Math.min(MAX_EXTRAPOLATION_MS, Math.max(0, now - anchor.at)) : 0;
  const position = Math.max(0, anchor.positionMs + elapsed);
  return durationMs !== undefined && durationMs > 0 ? Math.min(position, durationMs) : position;
}

/** Fraction of the track played, 0..1 (0 when the duration is unknown). */
export function progressFraction(positionMs: number, durationMs: number | undefined): number {
  if (durationMs === undefined || !(durationMs > 0)) return 0;
  return Math.min(1, Math.max(0, positionMs / durationMs));
}
