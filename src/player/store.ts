/**
 * Where the player keeps what must survive a reload. VS Code's `Memento` (globalState)
 * satisfies this as is (its Thenable is a PromiseLike); the CLI uses `JsonFileStore`
 * (src/base/json-file-store.ts); tests use `MemoryStateStore`. Values must be JSON-serializable.
 */
export interface StateStore {
  get<T>(key: string): T | undefined;
  /** Setting `undefined` removes the key. */
  update(key: string, value: unknown): PromiseLike<void>;
}

/** In-memory store. Values are copied through JSON so tests catch non-serializable state. */
export class MemoryStateStore implements StateStore {
  private readonly values = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) {
      this.values.delete(key);
    } else {
      this.values.set(key, JSON.stringify(value));
    }
    return Promise.resolve();
  }

  /** For tests: put raw (possibly corrupt) data under a key. */
  setRaw(key: string, value: unknown): void {
    this.values.set(key, JSON.stringify(value));
  }

  keys(): string[] {
    return [...this.values.keys()];
  }
}
