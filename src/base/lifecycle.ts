/**
 * Ownership of resources, after VS Code's `lifecycle.ts`.
 *
 * Every long-lived thing (timer, listener, stream, child process, wasm decoder, panel) is an
 * `IDisposable` with exactly one owner. Owners hold their children in a `DisposableStore` or
 * register them with `_register`, so that disposing the owner disposes everything it made.
 * Disposal is idempotent and never throws past the owner: one failing child must not leave
 * its siblings alive.
 */

export interface IDisposable {
  dispose(): void;
}

export function isDisposable(value: unknown): value is IDisposable {
  return typeof value === 'object' && value !== null && typeof (value as IDisposable).dispose === 'function';
}

/** Dispose all, in order, collecting errors so that every item gets its chance. */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) {
    throw errors[0];
  }
  if (errors.length > 1) {
    throw new AggregateError(errors, 'Several disposables failed to dispose');
  }
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

export class DisposableStore implements IDisposable {
  private readonly items = new Set<IDisposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  get size(): number {
    return this.items.size;
  }

  /** Take ownership of `item`. Adding to a disposed store disposes the item at once (no leak). */
  add<T extends IDisposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      return item;
    }
    this.items.add(item);
    return item;
  }

  /** Dispose one item early and forget it. */
  delete(item: IDisposable): void {
    if (this.items.delete(item)) {
      item.dispose();
    }
  }

  /** Forget an item without disposing it (ownership moves elsewhere). */
  release(item: IDisposable): void {
    this.items.delete(item);
  }

  /** Dispose everything held, but stay usable. */
  clear(): void {
    const items = [...this.items];
    this.items.clear();
    disposeAll(items.reverse());
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.clear();
  }
}

/** Base class for owners: `this._register(x)` makes `x` live exactly as long as `this`. */
export abstract class Disposable implements IDisposable {
  protected readonly _store = new DisposableStore();

  protected _register<T extends IDisposable>(item: T): T {
    return this._store.add(item);
  }

  protected get isDisposed(): boolean {
    return this._store.isDisposed;
  }

  dispose(): void {
    this._store.dispose();
  }
}

/** Holds at most one disposable; setting a new value disposes the old one. */
export class MutableDisposable<T extends IDisposable> implements IDisposable {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.disposed) {
      next?.dispose();
      return;
    }
    if (next === this.current) {
      return;
    }
    const previous = this.current;
    this.current = next;
    previous?.dispose();
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.disposed = true;
    const previous = this.current;
    this.current = undefined;
    previous?.dispose();
  }
}

/** A timer owned like any other resource. */
export function disposableTimeout(fn: () => void, ms: number): IDisposable {
  const handle = setTimeout(fn, ms);
  return toDisposable(() => clearTimeout(handle));
}

export function disposableInterval(fn: () => void, ms: number): IDisposable {
  const handle = setInterval(fn, ms);
  return toDisposable(() => clearInterval(handle));
}
