import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileByteSource } from '../decode/byte-source';
import type { ByteSource } from '../decode/types';

/**
 * Finished downloads on disk, so a replay reads no network. One directory per URL holds
 * `data` and `meta.json`; it is built under a private temporary name and renamed into place
 * only once complete and as long as the server said, so no reader ever sees a partial file,
 * and two windows downloading the same URL cannot corrupt each other (the second rename
 * loses and its copy is dropped). Least recently used entries go first when over the limit;
 * the last use is the mtime of meta.json. Everything tolerates entries vanishing underneath
 * (another window evicting them).
 */
export interface HttpCacheOptions {
  readonly directory: string;
  /** Total size limit in bytes. */
  readonly maxBytes: number;
  /** Larger downloads are not cached (default: a quarter of maxBytes). */
  readonly maxEntryBytes?: number;
  readonly log?: (message: string) => void;
}

export interface CacheMeta {
  readonly url: string;
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly contentType?: string;
}

export interface CacheHit {
  readonly meta: CacheMeta;
  readonly dataPath: string;
}

/** Temporary directories older than this belong to a crashed writer. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export class HttpCache {
  readonly directory: string;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  private readonly log: (message: string) => void;
  private evicting: Promise<void> | undefined;

  constructor(options: HttpCacheOptions) {
    this.directory = options.directory;
    this.maxBytes = options.maxBytes;
    this.maxEntryBytes = Math.min(options.maxEntryBytes ?? Math.floor(options.maxBytes / 4), options.maxBytes);
    this.log = options.log ?? (() => undefined);
  }

  private entryDir(url: string): string {
    return path.join(this.directory, createHash('sha256').update(url).digest('hex').slice(0, 40));
  }

  /** The complete entry for `url`, marked as just used; undefined when absent or damaged. */
  async lookup(url: string): Promise<CacheHit | undefined> {
    const dir = this.entryDir(url);
    try {
      const meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8')) as CacheMeta;
      const dataPath = path.join(dir, 'data');
      const stat = await fs.stat(dataPath);
      // A different URL with the same hash prefix, or a file changed behind our back.
      if (meta.url !== url || stat.size !== meta.size) return undefined;
      const now = new Date();
      await fs.utimes(path.join(dir, 'meta.json'), now, now).catch(() => undefined);
      return { meta, dataPath };
    } catch {
      return undefined;
    }
  }

  /** A byte source over the cached copy, or undefined (absent, or evicted between lookup and open). */
  async open(url: string): Promise<CachedByteSource | undefined> {
    const hit = await this.lookup(url);
    if (!hit) return undefined;
    try {
      return new CachedByteSource(url, await FileByteSource.open(hit.dataPath), hit.meta);
    } catch {
      return undefined;
    }
  }

  /** Start storing a download of known size; undefined when it is too large to cache. */
  beginWrite(meta: CacheMeta): CacheWriter | undefined {
    if (meta.size <= 0 || meta.size > this.maxEntryBytes) return undefined;
    const name = `tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    return new CacheWriter(this, meta, path.join(this.directory, name), this.entryDir(meta.url), this.log);
  }

  /** Drop least recently used entries until the total fits the limit; sweep crashed writers' leftovers. */
  evict(): Promise<void> {
    // One sweep at a time per process; other processes are tolerated by ENOENT handling.
    this.evicting ??= this.sweep().finally(() => (this.evicting = undefined));
    return this.evicting;
  }

  private async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch {
      return;
    }
    const entries: { dir: string; size: number; used: number }[] = [];
    const now = Date.now();
    for (const name of names) {
      const dir = path.join(this.directory, name);
      try {
        if (name.startsWith('tmp-') || name.startsWith('trash-')) {
          const stat = await fs.stat(dir);
          if (name.startsWith('trash-') || now - stat.mtimeMs > STALE_TEMP_MS) await removeDir(dir);
          continue;
        }
        const [meta, data] = await Promise.all([fs.stat(path.join(dir, 'meta.json')), fs.stat(path.join(dir, 'data'))]);
        entries.push({ dir, size: data.size, used: meta.mtimeMs });
      } catch {
        // Vanished or half-removed by another window: not ours to count.
      }
    }
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (await removeEntry(entry.dir)) total -= entry.size;
    }
  }

  /** Called by a writer after its rename; keeps the total under the limit. */
  async committed(): Promise<void> {
    await this.evict();
  }
}

/**
 * Appends a download's bytes in order from byte 0. Anything but a contiguous, complete
 * download is abandoned: the temporary directory is deleted and nothing is published.
 */
export class CacheWriter {
  /** Bytes handed to append so far (the next byte must be at this offset). */
  private appended = 0;
  private closed = false;
  private failed = false;
  private chain: Promise<void>;
  private handle: fs.FileHandle | undefined;
  private settle!: (stored: boolean) => void;
  /** True once published, false once abandoned or failed and the partial copy removed. */
  readonly outcome = new Promise<boolean>((resolve) => (this.settle = resolve));

  constructor(
    private readonly cache: HttpCache,
    readonly meta: CacheMeta,
    private readonly tempDir: string,
    private readonly entryDir: string,
    private readonly log: (message: string) => void,
  ) {
    this.chain = (async () => {
      await fs.mkdir(cache.directory, { recursive: true });
      await fs.mkdir(tempDir);
      // O_EXCL: the name is ours alone, whatever another process does.
      this.handle = await fs.open(path.join(tempDir, 'data'), 'wx');
    })().catch((error) => this.fail(error));
  }

  get offset(): number {
    return this.appended;
  }
  get active(): boolean {
    return !this.closed && !this.failed;
  }

  /** Bytes at `offset`; a gap or overlap abandons the entry (the download jumped: a seek). */
  append(offset: number, bytes: Buffer): void {
    if (!this.active) return;
    if (offset !== this.appended || this.appended + bytes.length > this.meta.size) {
      this.abandon();
      return;
    }
    this.appended += bytes.length;
    this.chain = this.chain.then(async () => {
      if (this.failed || !this.handle) return;
      await this.handle.write(bytes, 0, bytes.length);
    }).catch((error) => this.fail(error));
  }

  /** The download ended: publish when every byte arrived, else drop. Resolves when done. */
  async complete(): Promise<boolean> {
    if (!this.active) return this.outcome;
    const stored = await this.publish();
    this.settle(stored);
    return stored;
  }

  private async publish(): Promise<boolean> {
    this.closed = true;
    if (this.appended !== this.meta.size) {
      await this.discard();
      return false;
    }
    try {
      await this.chain;
      if (this.failed || !this.handle) throw new Error('write failed');
      await this.handle.sync();
      await this.handle.close();
      this.handle = undefined;
      const stat = await fs.stat(path.join(this.tempDir, 'data'));
      if (stat.size !== this.meta.size) throw new Error(`wrote ${stat.size} of ${this.meta.size} bytes`);
      await fs.writeFile(path.join(this.tempDir, 'meta.json'), JSON.stringify(this.meta));
      if (!(await this.publishOver())) {
        await this.discard();
        return false;
      }
      await this.cache.committed();
      return true;
    } catch (error) {
      this.log(`cache: not storing ${this.meta.url}: ${(error as Error).message}`);
      await this.discard();
      return false;
    }
  }

  /**
   * Rename the finished copy into place. An entry already there is either the same version
   * (another window won the race: keep theirs) or an older one (the server's validators
   * changed after a revalidation: move it away and take its place, once).
   */
  private async publishOver(): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rename(this.tempDir, this.entryDir);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EACCES') throw error;
        if (attempt > 0) return false;
        const theirs = await readMeta(this.entryDir);
        if (!theirs || sameVersion(theirs, this.meta)) return false;
        if (!(await removeEntry(this.entryDir))) return false;
      }
    }
  }

  /** Stop and delete the partial copy (a seek, a failure, or the source closed early). */
  abandon(): void {
    if (!this.active) return;
    this.closed = true;
    // Settled once the partial copy is gone, so `outcome` false means nothing is left behind.
    void this.discard().then(() => this.settle(false));
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.log(`cache: writing ${this.meta.url} failed: ${(error as Error)?.message ?? String(error)}`);
    void this.discard().then(() => this.settle(false));
  }

  private async discard(): Promise<void> {
    await this.chain.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    await removeDir(this.tempDir);
  }
}

/** A cached copy served as a ByteSource with the original URL for messages. */
export class CachedByteSource implements ByteSource {
  readonly size: number;
  constructor(
    readonly uri: string,
    private readonly file: FileByteSource,
    readonly meta: CacheMeta,
  ) {
    this.size = file.size;
  }
  read(offset: number, length: number): Promise<Buffer> {
    return this.file.read(offset, length);
  }
  readInto(offset: number, target: Uint8Array): Promise<number> {
    return this.file.readInto(offset, target);
  }
  dispose(): void {
    this.file.dispose();
  }
}

async function readMeta(dir: string): Promise<CacheMeta | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8')) as CacheMeta;
  } catch {
    return undefined;
  }
}

function sameVersion(a: CacheMeta, b: CacheMeta): boolean {
  return a.url === b.url && a.size === b.size && a.etag === b.etag && a.lastModified === b.lastModified;
}

async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
}

/** Rename out of the way first, so no reader finds a half-deleted entry. False if it could not be moved. */
async function removeEntry(dir: string): Promise<boolean> {
  const trash = path.join(path.dirname(dir), `trash-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.rename(dir, trash);
  } catch (error) {
    // Gone already (another window evicted it: counts as freed) or busy (Windows: open for reading).
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  await removeDir(trash);
  return true;
}
