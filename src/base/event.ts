import { IDisposable, toDisposable } from './lifecycle';

/**
 * A typed event, after VS Code's `Event<T>`: subscribing returns the disposable that
 * unsubscribes, so listeners are owned like every other resource.
 */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

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
    return toDisposable(() => this.listeners.delete(entry));
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
