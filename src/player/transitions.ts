/**
 * The player's states and every transition between them, as data. The state machine refuses
 * anything not listed here, and the property tests check that nothing else ever happens.
 */

export type PlayerState = 'stopped' | 'playing' | 'paused' | 'buffering';

export const playerStates: readonly PlayerState[] = ['stopped', 'playing', 'paused', 'buffering'];

/**
 * Allowed `from → to` moves.
 * - stopped → paused: a restored session, or next/previous/playAt... while paused-loading.
 * - paused → buffering is absent on purpose: starving needs playback, so a resumed track
 *   goes through `playing` first.
 */
export const transitionTable: Readonly<Record<PlayerState, readonly PlayerState[]>> = {
  stopped: ['playing', 'paused'],
  playing: ['paused', 'stopped', 'buffering'],
  paused: ['playing', 'stopped'],
  buffering: ['playing', 'paused', 'stopped'],
};

export function isAllowedTransition(from: PlayerState, to: PlayerState): boolean {
  return transitionTable[from].includes(to);
}

/** Commands whose validity depends on the state (the rest are valid in every state). */
export type TransportCommand = 'play' | 'pause' | 'toggle' | 'stop' | 'seek' | 'next' | 'previous';

/**
 * In which states each command is accepted. Anything else is rejected with reason
 * 'invalid-state' and changes nothing (playing twice is a mistake of the caller, not a no-op
 * we hide, so the UI can tell its picture of the state is stale).
 */
export const commandTable: Readonly<Record<TransportCommand, readonly PlayerState[]>> = {
  play: ['stopped', 'paused'],
  pause: ['playing', 'buffering'],
  toggle: ['stopped', 'playing', 'paused', 'buffering'],
  stop: ['playing', 'paused', 'buffering'],
  // Seeking needs a track in hand; a stopped player has none loaded.
  seek: ['playing', 'paused', 'buffering'],
  next: ['stopped', 'playing', 'paused', 'buffering'],
  previous: ['stopped', 'playing', 'paused', 'buffering'],
};

export function isCommandAllowed(command: TransportCommand, state: PlayerState): boolean {
  return commandTable[command].includes(state);
}
