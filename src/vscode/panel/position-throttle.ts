import { IDisposable } from '../../base/lifecycle';

export interface PositionUpdate {
  readonly positionMs: number;
  readonly positionAt: number;
  readonly playing: boolean;
}

export interface PositionThrottleOptions {
  /** Minimum time between two regular updates; 250 ms = at most 4 per second. */
  readonly intervalMs?: number;
  /** A position this far from where the view extrapolates it is a seek: sent at once. */
  readonly jumpMs?: number;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => IDisposable;
}

/**
 * Thins the player's position events (10/s or more) to what the webview needs: it
 * interpolates between updates, so a few per second keep it in sync. Play/pause changes and
 * jumps (seeks) go out at once, because there the view's extrapolation would be wrong; the
 * latest regular update held back by the interval is sent when the interval ends (trailing),
 * so the view always ends on the true position.
 *
 * No VS Code imports: the benchmark and the unit tests drive it with a virtual clock.
 */
export class PositionThrottle implements IDisposable {
  private readonly intervalMs: number;
  private readonly jumpMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => IDisposable;
  private lastSent: PositionUpdate | undefined;
  private lastSentTime = -Infinity;
  private pending: PositionUpdate | undefined;
  private timer: IDisposable | undefined;
  private disposed = false;

  constructor(
    private readonly send: (update: PositionUpdate) => void,
    options: PositionThrottleOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.jumpMs = options.jumpMs ?? 750;
    this.now = options.now ?? Date.now;
    this.setTimer =
      options.setTimer ??
      ((fn, ms) => {
        const handle = setTimeout(fn, ms);
        return { dispose: () => clearTimeout(handle) };
      });
  }

  push(update: PositionUpdate): void {
    if (this.disposed) return;
    const now = this.now();
    if (this.isDiscontinuity(update) || now - this.lastSentTime >= this.intervalMs) {
      this.flush(update, now);
      return;
    }
    this.pending = update;
    this.timer ??= this.setTimer(() => {
      this.timer = undefined;
      const latest = this.pending;
      if (latest) this.flush(latest, this.now());
    }, this.lastSentTime + this.intervalMs - now);
  }

  /** Forget what was sent (the view reloaded or was hidden): the next update goes out at once. */
  reset(): void {
    this.cancelPending();
    this.lastSent = undefined;
    this.lastSentTime = -Infinity;
  }

  /** Mark a full state (which carries a position) as sent, so it re-anchors the throttle too. */
  noteSent(update: PositionUpdate): void {
    this.cancelPending();
    this.lastSent = update;
    this.lastSentTime = this.now();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelPending();
  }

  private isDiscontinuity(update: PositionUpdate): boolean {
    const last = this.lastSent;
    if (!last) return true;
    if (last.playing !== update.playing) return true;
    const expected = last.positionMs + (last.playing ? update.positionAt - last.positionAt : 0);
    return Math.abs(update.positionMs - expected) > this.jumpMs;
  }

  private flush(update: PositionUpdate, now: number): void {
    this.cancelPending();
    this.lastSent = update;
    this.lastSentTime = now;
    this.send(update);
  }

  private cancelPending(): void {
    this.pending = undefined;
    this.timer?.dispose();
    this.timer = undefined;
  }
}
