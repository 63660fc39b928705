import { Emitter, Event } from '../base/event';
import { Disposable } from '../base/lifecycle';
import { isAllowedTransition, isCommandAllowed, PlayerState, TransportCommand } from './transitions';
import { accepted, CommandResult, rejected } from './result';

/**
 * Why the state changed: a command, or something that happened. Useful beyond logs: the CLI
 * exits when it sees 'end-of-queue' or 'all-failed'.
 */
export type TransitionCause =
  // Commands
  | 'play'
  | 'pause'
  | 'stop'
  | 'next'
  | 'previous'
  | 'playAt'
  | 'restart'
  // Playback moving on by itself
  | 'track-ended'
  | 'track-failed'
  | 'preloaded-item-removed'
  | 'stop-after-current'
  | 'end-of-queue'
  | 'all-failed'
  // Queue edits
  | 'current-removed'
  | 'queue-cleared'
  // The engine and the store
  | 'engine-starved'
  | 'engine-recovered'
  | 'restore';

export interface StateChange {
  readonly from: PlayerState;
  readonly to: PlayerState;
  readonly cause: TransitionCause;
}

/** Thrown only for a transition missing from the table: a bug in the player, never user input. */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
}

/**
 * Holds the player's state and enforces the transition table. Commands ask `check` first, so
 * a rejected command never reaches `transition`; `transition` throwing means the player has a
 * bug, which the property tests hunt for.
 */
export class StateMachine extends Disposable {
  private current: PlayerState;
  private readonly onDidChangeEmitter = this._register(new Emitter<StateChange>());
  readonly onDidChange: Event<StateChange> = this.onDidChangeEmitter.event;

  constructor(initial: PlayerState = 'stopped') {
    super();
    this.current = initial;
  }

  get state(): PlayerState {
    return this.current;
  }

  check(command: TransportCommand): CommandResult {
    if (isCommandAllowed(command, this.current)) {
      return accepted;
    }
    return rejected('invalid-state', `Cannot ${command} while ${this.current}.`);
  }

  /** Moves to `to` and fires. Moving to the current state is a no-op, not an error. */
  transition(to: PlayerState, cause: TransitionCause): void {
    const from = this.current;
    if (from === to) {
      return;
    }
    if (!isAllowedTransition(from, to)) {
      throw new InvalidTransitionError(`Invalid transition ${from} → ${to} (${cause})`);
    }
    this.current = to;
    this.onDidChangeEmitter.fire({ from, to, cause });
  }
}
