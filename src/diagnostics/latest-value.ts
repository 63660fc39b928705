import type { Event } from '../base/event';
import type { IDisposable } from '../base/lifecycle';

/**
 * Keeps the newest value an event fired, e.g. the engine's once-a-second stats, so a view can
 * show it on demand without asking the engine process: `engineStats: async () => stats.value`.
 */
export class LatestValue<T> implements IDisposable {
  private latest: T | undefined;
  private readonly subscription: IDisposable;

  constructor(event: Event<T>) {
    this.subscription = event((value) => (this.latest = value));
  }

  get value(): T | undefined {
    return this.latest;
  }

  dispose(): void {
    this.subscription.dispose();
    this.latest = undefined;
  }
}
