import { Disposable, IDisposable, MutableDisposable } from '../base/lifecycle';
import { trackedTimers } from '../diagnostics/tracked';

/** Timers as a dependency, so tests can run time by hand. */
export interface TimerHost {
  setTimeout(fn: () => void, ms: number): IDisposable;
}

/** Real timers, counted as live 'timer' resources of the SaveScheduler (see src/diagnostics). */
export const realTimers: TimerHost = trackedTimers('SaveScheduler');

/**
 * Decides when to write, not what: the owner marks keys dirty with how long the change may wait,
 * and `save(keys)` runs once per deadline with everything dirty by then. A pending deadline is
 * only ever brought forward, never pushed back, so a steady stream of position reports (each
 * "may wait 5 s") saves once every 5 s instead of never or on every report.
 */
export class SaveScheduler<Key extends string> extends Disposable {
  private readonly dirty = new Set<Key>();
  private readonly timer = this._register(new MutableDisposable<IDisposable>());
  private dueAt: number | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly timers: TimerHost,
    private readonly now: () => number,
    private readonly save: (keys: ReadonlySet<Key>) => Promise<void>,
  ) {
    super();
  }

  markDirty(key: Key, maxDelayMs: number): void {
    if (this.isDisposed) {
      return;
    }
    this.dirty.add(key);
    const due = this.now() + maxDelayMs;
    if (this.dueAt !== undefined && this.dueAt <= due) {
      return;
    }
    this.dueAt = due;
    this.timer.value = this.timers.setTimeout(() => void this.flush(), maxDelayMs);
  }

  /** Writes everything dirty now; resolves when this and earlier writes are done. */
  flush(): Promise<void> {
    this.timer.clear();
    this.dueAt = undefined;
    if (this.dirty.size > 0) {
      const keys = new Set(this.dirty);
      this.dirty.clear();
      // Chained, so two flushes never race and the last state written is the newest.
      this.inFlight = this.inFlight.then(() => this.save(keys)).catch(() => undefined);
    }
    return this.inFlight;
  }

  get pendingKeys(): ReadonlySet<Key> {
    return this.dirty;
  }
}
