import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-write';
import type { TrackTags } from './types';

/**
 * Tags remembered across sessions, keyed by path and valid while the file's size and
 * modification time are unchanged. A rescan of an unchanged folder then only stats files.
 *
 * Failures are cached too (as `error`), so a corrupt file is not re-parsed on every scan.
 * The cache lives in memory; `save()` writes it to `<cacheDir>/tags-v1.json` atomically
 * (only when something changed). A missing or corrupt cache file means an empty cache.
 */
export interface CachedTags {
  readonly size: number;
  readonly mtimeMs: number;
  readonly tags?: TrackTags;
  readonly error?: string;
}

const FILE_NAME = 'tags-v1.json';
const FORMAT_VERSION = 1;

/** On disk: `{ version, entries: { [path]: [size, mtimeMs, tags | null, error?] } }`. */
type SerializedEntry = [number, number, TrackTags | null, string?];

export interface TagCacheOptions {
  /** Where problems (corrupt cache file) are reported; defaults to silence. */
  readonly log?: (message: string) => void;
}

export class TagCache {
  private readonly entries = new Map<string, CachedTags>();
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    /** Folder holding the cache file; undefined for a memory-only cache. */
    readonly directory: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** A cache that is never written to disk (CLI, tests). */
  static inMemory(): TagCache {
    return new TagCache(undefined, () => undefined);
  }

  /** Load the cache kept in `directory`; a missing or unreadable file gives an empty cache. */
  static async open(directory: string, options: TagCacheOptions = {}): Promise<TagCache> {
    const log = options.log ?? (() => undefined);
    const cache = new TagCache(directory, log);
    const file = path.join(directory, FILE_NAME);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        log(`tag cache: cannot read ${file} (${(error as Error).message}); starting empty`);
      }
      return cache;
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
      if (parsed.version !== FORMAT_VERSION || typeof parsed.entries !== 'object' || parsed.entries === null) {
        throw new Error(`unexpected format version ${String(parsed.version)}`);
      }
      for (const [key, value] of Object.entries(parsed.entries as Record<string, unknown>)) {
        const entry = decodeEntry(value);
        if (entry) cache.entries.set(key, entry);
      }
    } catch (error) {
      log(`tag cache: ${file} is corrupt (${(error as Error).message}); starting empty`);
      cache.entries.clear();
      // Rewrite it on the next save so the corruption does not persist.
      cache.dirty = true;
    }
    return cache;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached entry when it still matches the file's size and mtime. */
  lookup(filePath: string, size: number, mtimeMs: number): CachedTags | undefined {
    const entry = this.entries.get(filePath);
    if (entry && entry.size === size && entry.mtimeMs === mtimeMs) return entry;
    return undefined;
  }

  set(filePath: string, entry: CachedTags): void {
    this.entries.set(filePath, entry);
    this.dirty = true;
  }

  /** Forget one file (the watcher saw it change or disappear). Returns whether it was cached. */
  invalidate(filePath: string): boolean {
    const had = this.entries.delete(filePath);
    if (had) this.dirty = true;
    return had;
  }

  /** Forget every file under `folder` (a folder was deleted or renamed). */
  invalidateFolder(folder: string): number {
    const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
    let removed = 0;
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) {
        this.entries.delete(key);
        removed++;
      }
    }
    if (removed > 0) this.dirty = true;
    return removed;
  }

  /**
   * After a complete scan of `folder`: drop entries under it that the scan did not see, so
   * deleted files do not accumulate in the cache forever.
   */
  retainUnder(folder: string, seen: ReadonlySet<string>): number {
    const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
    let removed = 0;
    for (const key of this.entries.keys()) {
      if (!seen.has(key) && key.startsWith(prefix)) {
        this.entries.delete(key);
        removed++;
      }
    }
    if (removed > 0) this.dirty = true;
    return removed;
  }

  clear(): void {
    if (this.entries.size > 0) this.dirty = true;
    this.entries.clear();
  }

  /** Write to disk if anything changed. Saves are serialised; concurrent calls share work. */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.saveNow());
    return this.saving;
  }

  private async saveNow(): Promise<void> {
    if (!this.directory || !this.dirty) return;
    this.dirty = false;
    const entries: Record<string, SerializedEntry> = {};
    for (const [key, entry] of this.entries) {
      entries[key] =
        entry.error !== undefined
          ? [entry.size, entry.mtimeMs, null, entry.error]
          : [entry.size, entry.mtimeMs, entry.tags ?? null];
    }
    try {
      await writeFileAtomic(path.join(this.directory, FILE_NAME), JSON.stringify({ version: FORMAT_VERSION, entries }));
    } catch (error) {
      this.dirty = true;
      this.log(`tag cache: cannot write ${this.directory} (${(error as Error).message})`);
      throw error;
    }
  }
}

function decodeEntry(value: unknown): CachedTags | undefined {
  if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'number') return undefined;
  const [size, mtimeMs, tags, error] = value as SerializedEntry;
  if (typeof error === 'string') return { size, mtimeMs, error };
  if (tags && typeof tags === 'object') return { size, mtimeMs, tags };
  return undefined;
}
