import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IDisposable } from './lifecycle';

export interface JsonFileStoreOptions {
  /** Where problems are reported (a corrupt file, a failed write). Defaults to console.warn. */
  readonly log?: (message: string) => void;
}

/**
 * A key/value store kept in one JSON file, shaped like VS Code's `Memento` so that code written
 * against that shape runs in the CLI too. Reads come from memory; every update rewrites the
 * file atomically (temp file in the same folder, fsync, rename), so a crash mid-write leaves the
 * old file or the new one, never half of each. Writes are serialized and coalesced: many quick
 * updates cost one or two writes.
 */
export class JsonFileStore implements IDisposable {
  private values: Record<string, unknown>;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private tempSerial = 0;
  private disposed = false;

  private constructor(
    readonly filePath: string,
    initial: Record<string, unknown>,
    private readonly log: (message: string) => void,
  ) {
    this.values = initial;
  }

  /**
   * Opens (not creates) the file. A missing file is an empty store; an unreadable or corrupt
   * one is logged and treated as empty, never thrown: losing saved state beats not starting.
   */
  static async open(filePath: string, options: JsonFileStoreOptions = {}): Promise<JsonFileStore> {
    const log = options.log ?? ((message: string) => console.warn(message));
    let initial: Record<string, unknown> = {};
    try {
      const text = await fs.promises.readFile(filePath, 'utf8');
      initial = parseStoreFile(text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        log(`Ignoring stored state in ${filePath}: ${describe(error)}`);
      }
    }
    return new JsonFileStore(filePath, initial, log);
  }

  get<T>(key: string): T | undefined {
    const value = this.values[key];
    // A copy, so a caller mutating what it read cannot change what is stored.
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  keys(): string[] {
    return Object.keys(this.values);
  }

  /** Sets (or with `undefined` removes) a key; resolves once it is on disk. */
  update(key: string, value: unknown): Promise<void> {
    if (this.disposed) {
      return Promise.reject(new Error(`JsonFileStore for ${this.filePath} is disposed`));
    }
    if (value === undefined) {
      delete this.values[key];
    } else {
      // Serialize now: a later mutation of `value` by the caller must not leak in.
      this.values[key] = JSON.parse(JSON.stringify(value)) as unknown;
    }
    this.dirty = true;
    return this.writeSoon();
  }

  /** Resolves when every update so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) {
      await this.writing.catch(() => undefined);
    }
  }

  /** Stops accepting updates; pending writes still finish (await `flush()` before exiting). */
  dispose(): void {
    this.disposed = true;
  }

  private writeSoon(): Promise<void> {
    if (!this.writing) {
      this.writing = this.writeWhileDirty();
    }
    return this.writing;
  }

  private async writeWhileDirty(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.writeAtomically(JSON.stringify(this.values));
      }
    } catch (error) {
      this.log(`Could not save state to ${this.filePath}: ${describe(error)}`);
      throw error;
    } finally {
      // Cleared in the same turn as the last `dirty` check, so an update arriving later always
      // starts a new write instead of joining one that has already finished.
      this.writing = undefined;
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    const dir = path.dirname(this.filePath);
    await fs.promises.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(this.filePath)}.${process.pid}.${++this.tempSerial}.tmp`);
    try {
      const handle = await fs.promises.open(temp, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(temp, this.filePath);
    } catch (error) {
      await fs.promises.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}

function parseStoreFile(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
