import type { IDisposable } from '../base/lifecycle';
import { DisposableStore } from '../base/lifecycle';
import type { ClaimRecord, PlaybackClaim } from './playback-claim';
import type { Player } from './player';
import type { PlayerState } from './transitions';

export interface OneAtATimeOptions {
  /** Read at the moment another player starts, so a settings change applies at once. */
  readonly enabled: () => boolean;
  /** Told when this player pauses for another one (a status message, the log). */
  readonly onPaused?: (by: ClaimRecord) => void;
}

const SOUNDING: ReadonlySet<PlayerState> = new Set(['playing', 'buffering']);

/**
 * Wires a player to a PlaybackClaim: it claims when it starts sounding (from stopped or
 * paused, not on every buffering hiccup), and pauses when another player claims after it.
 */
export function pauseWhenOthersPlay(player: Player, claim: PlaybackClaim, options: OneAtATimeOptions): IDisposable {
  const store = new DisposableStore();
  store.add(
    player.onDidChangeState(({ from, to }) => {
      if (SOUNDING.has(to) && !SOUNDING.has(from)) void claim.claim();
    }),
  );
  store.add(
    claim.onDidLose((by) => {
      if (!options.enabled() || !SOUNDING.has(player.state)) return;
      options.onPaused?.(by);
      void player.pause();
    }),
  );
  return store;
}
