import type { Event } from '../../base/event';
import type { PlayerCommand, QueueItem, ViewState } from '../../protocol/messages';

/**
 * What the player panel needs from the rest of the extension. The panel only renders and
 * forwards; the composition root implements this over the player, library and engine.
 */
export interface PlayerViewModel {
  getState(): ViewState;
  getQueue(): { readonly version: number; readonly items: readonly QueueItem[] };
  readonly onDidChangeState: Event<ViewState>;
  readonly onDidChangeQueue: Event<{ readonly version: number; readonly items: readonly QueueItem[] }>;
  readonly onPosition: Event<{ readonly positionMs: number; readonly positionAt: number; readonly playing: boolean }>;
  /** Runs a command from the view. Rejects with an Error whose message is shown to the user. */
  execute(command: PlayerCommand): Promise<void>;
}
