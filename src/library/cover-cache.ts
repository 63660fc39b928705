import { readCover, type CoverArt } from './tags';

export type CoverLoader = (filePath: string) => Promise<CoverArt | undefined>;

export interface CoverCacheOptions {
  /** Upper bound on the bytes of picture data held; default 32 MiB. */
  readonly maxBytes?: number;
  /** Reads one file's cover; defaults to music-metadata (`readCover`). */
  readonly load?: CoverLoader;
}

/** What "no cover" costs in the byte budget, so files without art are remembered cheaply. */
const ABSENT_COST = 64;

/**
 * Cover art read on request and kept in memory, least recently used first out, bounded by
 * the total size of the pictures. Concurrent requests for one file share a single read.
 */
export class CoverCache {
  readonly maxBytes: number;
  private readonly load: CoverLoader;
  // A Map iterates in insertion order: re-inserting on use makes the first key the LRU one.
  private readonly entries = new Map<string, CoverArt | undefined>();
  private readonly pending = new Map<string, Promise<CoverArt | undefined>>();
  private bytes = 0;
  /** Bumped by invalidation so a read that started before it is not cached after it. */
  private generation = 0;

  constructor(options: CoverCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.load = options.load ?? readCover;
  }

  /** Bytes currently held. */
  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries.size;
  }

  /** The file's cover, or undefined when it has none. Read errors reject (and are not cached). */
  get(filePath: string): Promise<CoverArt | undefined> {
    if (this.entries.has(filePath)) {
      const art = this.entries.get(filePath);
      this.entries.delete(filePath);
      this.entries.set(filePath, art);
      return Promise.resolve(art);
    }
    const inFlight = this.pending.get(filePath);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const promise = this.load(filePath).then(
      (art) => {
        this.pending.delete(filePath);
        if (generation === this.generation) this.store(filePath, art);
        return art;
      },
      (error: unknown) => {
        this.pending.delete(filePath);
        throw error;
      },
    );
    this.pending.set(filePath, promise);
    return promise;
  }

  /** Forget a file's cover (it changed on disk). */
  invalidate(filePath: string): void {
    this.generation++;
    this.pending.delete(filePath);
    if (this.entries.has(filePath)) {
      this.bytes -= costOf(this.entries.get(filePath));
      this.entries.delete(filePath);
    }
  }

  clear(): void {
    this.generation++;
    this.pending.clear();
    this.entries.clear();
    this.bytes = 0;
  }

  private store(filePath: string, art: CoverArt | undefined): void {
    const cost = costOf(art);
    // A picture larger than the whole budget is served but not kept.
    if (cost > this.maxBytes) return;
    if (this.entries.has(filePath)) {
      this.bytes -= costOf(this.entries.get(filePath));
      this.entries.delete(filePath);
    }
    this.entries.set(filePath, art);
    this.bytes += cost;
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= costOf(value);
    }
  }
}

function costOf(art: CoverArt | undefined): number {
  return art ? art.data.byteLength + ABSENT_COST : ABSENT_COST;
}
