/**
 * What a command returns. Rejections are values, not exceptions: the UI, the CLI and the REST
 * API all turn the reason into a message (or an HTTP 409/400) without try/catch.
 */

export type RejectReason =
  /** The command is not valid in the current state (see transitions.ts). */
  | 'invalid-state'
  /** Nothing to play. */
  | 'empty-queue'
  | 'no-next'
  | 'no-previous'
  /** Live stream or unknown duration. */
  | 'not-seekable'
  /** An index outside the queue, or a bad number. */
  | 'out-of-range'
  | 'disposed';

export type CommandResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

export const accepted: CommandResult = Object.freeze({ ok: true });

export function rejected(reason: RejectReason, message: string): CommandResult {
  return Object.freeze({ ok: false, reason, message });
}
