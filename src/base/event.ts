import { IDisposable, toDisposable } from './lifecycle';

/**
 * A typed event, after VS Code's `Event<T>`: subscribing returns the disposable that
 * unsubscribes, so listeners are owned like every other resource.
 */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

/**
 * Optional process-wide listener accounting: the diagnostics install a probe that hears +1 for
 * every subscription and -1 for every one removed (unsubscribed or dropped by dispose). Unset,
 * it costs one check per subscribe/unsubscribe.
 */
let listenerProbe: ((delta: number) => void) | undefined;

export function setListenerProbe(probe: ((delta: number) => void) | undefined): void {
  listenerProbe = probe;
}

export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  /** Number of live listeners: the diagnostics count these to prove nothing leaks. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  readonly event: Event<T> = (listener) => {
    if (this.disposed) {
      return toDisposable(() => undefined);
    }
    // Wrap so the same function can subscribe twice and unsubscribe independently.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    listenerProbe?.(1);
    return toDisposable(() => {
      if (this.listeners.delete(entry)) listenerProbe?.(-1);
    });
  };

  fire(value: T): void {
    if (this.disposed) {
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A throwing listener must not starve the others; surface it asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.listeners.size > 0) listenerProbe?.(-this.listeners.size);
    this.listeners.clear();
  }
}

/** Resolve with the next value of `event`, disposing the subscription either way. */
export function once<T>(event: Event<T>): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      subscription.dispose();
      resolve(value);
    });
  });
}
