import type { RepeatMode } from './play-order';
import type { Track } from './track';
import type { PlayerState } from './transitions';

/** The last problem worth showing, e.g. "skipped x.mp3: not an MP3 file". */
export interface PlayerError {
  readonly message: string;
  /** 'decode' | 'source' | 'output' | 'crash' from the engine, or 'queue' when all failed. */
  readonly kind: string;
  readonly trackUri: string | undefined;
  /** Date.now() when it happened. */
  readonly at: number;
}

/**
 * Everything a view or the API reads, in one immutable object. `version` increases by one or
 * more on every change, so a consumer that saw version N knows whether it is current;
 * `queueVersion` changes only when the queue's items do, so views re-read the (possibly long)
 * queue only then.
 */
export interface PlayerSnapshot {
  readonly version: number;
  readonly state: PlayerState;
  /** The current track, if any (also present while stopped: it is what Play will start). */
  readonly track: Track | undefined;
  /** Index of `track` in the queue, -1 for none. */
  readonly queueIndex: number;
  readonly queueLength: number;
  readonly queueVersion: number;
  readonly positionMs: number;
  /** Date.now() when `positionMs` was measured; while playing, a UI adds (now - at). */
  readonly positionAt: number;
  /** Undefined for live streams or when not yet known. */
  readonly durationMs: number | undefined;
  /** 0..1, the level restored when unmuted. */
  readonly volume: number;
  readonly muted: boolean;
  readonly shuffle: boolean;
  readonly repeat: RepeatMode;
  readonly stopAfterCurrent: boolean;
  readonly error: PlayerError | undefined;
  /** What a stream (internet radio) says is on now: its latest ICY StreamTitle, for the current track only. */
  readonly streamTitle: string | undefined;
  /** While Buffering: how far the engine is towards playing on, 0..1 (undefined in every other state). */
  readonly bufferingProgress: number | undefined;
}
