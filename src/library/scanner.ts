import * as path from 'node:path';
import { extensionOf, isAudioFile } from './audio-extensions';
import { Fifo } from './fifo';
import { withPathFallbacks } from './filename-tags';
import { compileGlobs, matchesNothing, type PathMatcher } from './glob';
import { compareFolders, naturalCompare, sortTracks } from './order';
import { ReadPacer } from './read-pacer';
import { nodeScanFileSystem, type ScanDirent, type ScanFileSystem, type ScanStats } from './scan-fs';
import type { CachedTags, TagCache } from './tag-cache';
import { readTags as musicMetadataReader, type TagReader } from './tags';
import type { ScannedTrack, SkippedEntry } from './types';

export interface ScanOptions {
  /**
   * Glob patterns (see glob.ts) matched against paths relative to the scan root with `/`
   * separators; a matching folder is skipped with everything below it.
   */
  readonly ignore?: readonly string[];
  /** Match ignore globs case-insensitively; defaults to true on Windows and macOS. */
  readonly ignoreCaseInsensitive?: boolean;
  /** Include files and folders whose name starts with a dot. Default false. */
  readonly includeHidden?: boolean;
  /** Descend into symbolic links to folders (loops are detected). Default true. */
  readonly followSymlinks?: boolean;
  /** How many file-system or tag reads run at once. Default 8. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Remembered tags; files whose size and mtime match are not read again. */
  readonly cache?: TagCache;
  /**
   * After a complete (not cancelled) scan, drop cache entries under the root that were not
   * seen, so deleted files do not linger. Default true.
   */
  readonly pruneCache?: boolean;
  /** Reads one file's tags; defaults to music-metadata. */
  readonly readTags?: TagReader;
  /**
   * Decides when tags are read with synchronous file calls (while they are fast: files in the
   * page cache) and gives the event loop its turns; see read-pacer.ts. Default: a new one per
   * scan. `new ReadPacer({ asyncOnly: true })` where synchronous calls must never run.
   */
  readonly readPacer?: ReadPacer;
  readonly fs?: ScanFileSystem;
  /** Called at most every `progressIntervalMs` (default 100 ms), and once at the end. */
  readonly onProgress?: (progress: ScanProgress) => void;
  readonly progressIntervalMs?: number;
  /**
   * Folder results the iterator may buffer before the scan waits for its consumer, so a
   * slow consumer cannot make a huge scan hold everything in memory. Default 64.
   */
  readonly highWaterMark?: number;
}

export interface ScanProgress {
  readonly foldersDone: number;
  /** Folders found but not finished yet; grows while the tree is being discovered. */
  readonly foldersPending: number;
  /** Audio files found so far. */
  readonly audioFiles: number;
  /** Audio files finished (tagged, cached or skipped). */
  readonly audioFilesDone: number;
  /** Of those, how many came from the tag cache. */
  readonly fromCache: number;
  /** Tags actually read from files. */
  readonly tagReads: number;
  readonly skipped: number;
  readonly done: boolean;
}

/** Everything a scan learned about one folder; tracks are in play order. */
export interface FolderScanResult {
  readonly folder: string;
  readonly tracks: readonly ScannedTrack[];
  readonly skipped: readonly SkippedEntry[];
}

export interface ScanResult {
  readonly root: string;
  /** All tracks in play order (see order.ts). */
  readonly tracks: ScannedTrack[];
  readonly skipped: SkippedEntry[];
  readonly progress: ScanProgress;
}

/** The scan root itself cannot be scanned (missing, unreadable). */
export class ScanError extends Error {
  override readonly name = 'ScanError';
}

/**
 * Scan a folder (or a single file) for audio, yielding each folder's tracks as soon as that
 * folder is finished, so playback can begin before a large tree is done. Folders arrive in
 * discovery order, not play order: merge with `sortedInsertionIndex`, or use `scanLibrary`.
 *
 * Nothing below the root fails the scan: unreadable folders, corrupt and unsupported files
 * come back in `skipped` with a reason. Cancelling via `signal` rejects with its reason.
 */
export function scanFolders(root: string, options: ScanOptions = {}): AsyncIterableIterator<FolderScanResult> {
  return new FolderScan(path.resolve(root), options).iterator();
}

/** Scan and collect: every track in play order, and every skipped entry. */
export async function scanLibrary(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const folders: FolderScanResult[] = [];
  let progress: ScanProgress | undefined;
  const onProgress = (p: ScanProgress) => {
    progress = p;
    options.onProgress?.(p);
  };
  for await (const folder of scanFolders(root, { ...options, onProgress })) folders.push(folder);
  // Each folder's tracks arrive sorted and a folder's tracks arrive together, so ordering the
  // folders is enough (F log F rather than N log N).
  folders.sort((a, b) => compareFolders(a.folder, b.folder));
  const tracks: ScannedTrack[] = [];
  const skipped: SkippedEntry[] = [];
  for (const folder of folders) {
    for (const track of folder.tracks) tracks.push(track);
    for (const entry of folder.skipped) skipped.push(entry);
  }
  skipped.sort((a, b) => naturalCompare(a.path, b.path));
  return { root: path.resolve(root), tracks, skipped, progress: progress! };
}

export interface ReadTrackOptions {
  readonly cache?: TagCache;
  readonly readTags?: TagReader;
  readonly fs?: ScanFileSystem;
}

/**
 * (Re)read one file, e.g. when a watcher reports a change: a track, or why it was skipped.
 * With a cache, an unchanged file is served from it and a changed one replaces its entry.
 */
export async function readTrack(filePath: string, options: ReadTrackOptions = {}): Promise<ScannedTrack | SkippedEntry> {
  const absolute = path.resolve(filePath);
  const fs = options.fs ?? nodeScanFileSystem;
  if (!isAudioFile(absolute)) return unsupported(absolute);
  let stats: ScanStats;
  try {
    stats = await fs.stat(absolute);
  } catch (error) {
    return { path: absolute, kind: 'unreadable-file', reason: describeError(error) };
  }
  const outcome = await tagFile(absolute, stats, options.cache, options.readTags ?? musicMetadataReader);
  return outcome.entry;
}

/**
 * The scan's own rules (hidden names, ignore globs, audio extensions) as a predicate, so a
 * file watcher can drop events for files a scan would not have listed.
 */
export function createScanFilter(root: string, options: Pick<ScanOptions, 'ignore' | 'ignoreCaseInsensitive' | 'includeHidden'> = {}): (filePath: string) => boolean {
  const base = path.resolve(root);
  const caseInsensitive = options.ignoreCaseInsensitive ?? (process.platform === 'win32' || process.platform === 'darwin');
  const isIgnored = compileGlobs(options.ignore ?? [], { caseInsensitive });
  return (filePath) => {
    const relative = path.relative(base, path.resolve(filePath));
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
    const segments = relative.split(path.sep);
    if (!options.includeHidden && segments.some((s) => s.startsWith('.'))) return false;
    // A file is out when it, or any folder above it, matches an ignore glob.
    for (let i = 1; i <= segments.length; i++) {
      if (isIgnored(segments.slice(0, i).join('/'))) return false;
    }
    return isAudioFile(filePath);
  };
}

export function isSkippedEntry(value: ScannedTrack | SkippedEntry): value is SkippedEntry {
  return 'kind' in value && 'reason' in value;
}

// ---------------------------------------------------------------------------------------------

interface FolderState {
  readonly path: string;
  /** Real path (symlinks resolved), used to recognise a folder reached twice. */
  readonly realPath: string;
  /** Relative to the root with `/` separators; '' for the root. */
  readonly relative: string;
  listed: boolean;
  /** Audio files found while listing, stat'ed in one batch when the listing is done. */
  readonly audioPaths: string[];
  pendingFiles: number;
  readonly tracks: ScannedTrack[];
  readonly skipped: SkippedEntry[];
}

interface FileJob {
  readonly kind: 'file';
  readonly folder: FolderState;
  readonly path: string;
  readonly stats: ScanStats;
}

interface FolderJob {
  readonly kind: 'folder';
  readonly folder: FolderState;
}

interface DeferredLink {
  readonly parent: FolderState;
  readonly path: string;
  readonly relative: string;
}

type TagOutcome = { entry: ScannedTrack | SkippedEntry; fromCache: boolean };

/** Stats issued at once per folder; bounded so a folder of 50,000 files cannot flood libuv. */
const STAT_BATCH = 128;
/**
 * Average cost of a synchronous stat above which a scan stops using them. A local disk with
 * warm metadata answers in a few microseconds (a batch then blocks well under a millisecond,
 * far cheaper than a thread-pool round trip per file); a network share can take milliseconds,
 * and blocking the extension host for that long is not acceptable.
 */
const SLOW_SYNC_STAT_MS = 0.1;
/** Likewise for listing a folder synchronously (a warm local folder of 100 files: ~50 µs). */
const SLOW_SYNC_READDIR_MS = 1;
/**
 * Synchronous stats and listings are judged like synchronous tag reads (read-pacer.ts): by the
 * median of the last few batches, so one batch during which a busy machine preempted the thread
 * does not send the rest of the scan to the thread pool, and with probes that come back to
 * synchronous calls when they are fast again.
 */
const syncMetadataPacer = (slowMs: number) => new ReadPacer({ slowFileMs: slowMs, window: 5, probeEvery: 16 });

class FolderScan {
  private readonly fs: ScanFileSystem;
  private readonly readTags: TagReader;
  private readonly concurrency: number;
  /** Undefined without ignore globs. */
  private readonly isIgnored: PathMatcher | undefined;
  private readonly highWaterMark: number;
  /** Synchronous tag reads while they are fast, with turns of the event loop in between. */
  private readonly pacer: ReadPacer;

  // Files before folders: finishing started folders first keeps the queue short and hands
  // out complete folders early.
  private readonly fileJobs = new Fifo<FileJob>();
  private readonly folderJobs = new Fifo<FolderJob>();
  /** Symlinked folders are walked after all real ones, so a real path always wins. */
  private deferredLinks: DeferredLink[] = [];
  private readonly visitedRealPaths = new Set<string>();
  private readonly seenFiles: Set<string> | undefined;
  private active = 0;
  private started = false;
  private finished = false;
  private failure: { error: unknown } | undefined;

  private readonly results = new Fifo<FolderScanResult>();
  private waiter: { resolve: () => void } | undefined;

  private foldersDone = 0;
  private foldersPending = 0;
  private audioFiles = 0;
  private audioFilesDone = 0;
  private fromCache = 0;
  private tagReads = 0;
  private skippedCount = 0;
  private lastProgressAt = 0;
  /** When stats and listings use synchronous calls (see SLOW_SYNC_STAT_MS). */
  private readonly statPacer = syncMetadataPacer(SLOW_SYNC_STAT_MS);
  private readonly readdirPacer = syncMetadataPacer(SLOW_SYNC_READDIR_MS);

  constructor(
    private readonly root: string,
    private readonly options: ScanOptions,
  ) {
    this.fs = options.fs ?? nodeScanFileSystem;
    this.readTags = options.readTags ?? musicMetadataReader;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.highWaterMark = Math.max(1, options.highWaterMark ?? 64);
    this.pacer = options.readPacer ?? new ReadPacer();
    const caseInsensitive = options.ignoreCaseInsensitive ?? (process.platform === 'win32' || process.platform === 'darwin');
    const isIgnored = compileGlobs(options.ignore ?? [], { caseInsensitive });
    this.isIgnored = isIgnored === matchesNothing ? undefined : isIgnored;
    this.seenFiles = options.cache && options.pruneCache !== false ? new Set() : undefined;
  }

  async *iterator(): AsyncIterableIterator<FolderScanResult> {
    const signal = this.options.signal;
    const onAbort = () => this.fail(signal!.reason ?? new Error('scan cancelled'));
    signal?.throwIfAborted();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.start();
      for (;;) {
        if (this.failure) throw this.failure.error;
        const next = this.results.shift();
        if (next) {
          // Taking a result may lift the back-pressure that paused the workers.
          this.pump();
          yield next;
          continue;
        }
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.waiter = { resolve }));
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // A consumer that stops early (break) ends the scan: no new work starts.
      if (!this.finished && !this.failure) this.failure = { error: new Error('scan closed') };
      this.fileJobs.clear();
      this.folderJobs.clear();
    }
  }

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    let stats: ScanStats;
    try {
      stats = await this.fs.stat(this.root);
    } catch (error) {
      throw new ScanError(`cannot scan ${this.root}: ${describeError(error)}`);
    }
    if (stats.isFile()) {
      // "Play" on a single file goes through the same path as a folder of one.
      const parent = this.newFolder(path.dirname(this.root), path.dirname(this.root), '');
      this.addFile(parent, this.root);
      await this.statAudioFiles(parent);
      parent.listed = true;
      this.maybeEmit(parent);
      this.pump();
      if (this.active === 0 && this.fileJobs.length === 0) this.finish();
      return;
    }
    if (!stats.isDirectory()) throw new ScanError(`cannot scan ${this.root}: not a file or folder`);
    let realRoot = this.root;
    try {
      realRoot = await this.fs.realpath(this.root);
    } catch {
      // Keep the given path; loop detection below the root still works on real paths.
    }
    this.visitedRealPaths.add(realRoot);
    this.folderJobs.push({ kind: 'folder', folder: this.newFolder(this.root, realRoot, '') });
    this.pump();
  }

  private newFolder(folderPath: string, realPath: string, relative: string): FolderState {
    this.foldersPending++;
    return { path: folderPath, realPath, relative, listed: false, audioPaths: [], pendingFiles: 0, tracks: [], skipped: [] };
  }

  private pump(): void {
    while (!this.failure && this.active < this.concurrency && this.results.length < this.highWaterMark) {
      const job = this.fileJobs.shift() ?? this.folderJobs.shift();
      if (!job) break;
      this.active++;
      const run = job.kind === 'file' ? this.runFile(job) : this.runFolder(job);
      run.then(
        () => this.jobDone(),
        (error: unknown) => {
          this.active--;
          this.fail(error);
        },
      );
    }
  }

  private jobDone(): void {
    this.active--;
    this.reportProgress(false);
    this.pump();
    if (this.active === 0 && this.fileJobs.length === 0 && this.folderJobs.length === 0 && !this.failure) {
      if (this.deferredLinks.length > 0) {
        this.active++;
        this.followDeferredLinks().then(
          () => this.jobDone(),
          (error: unknown) => this.fail(error),
        );
      } else if (!this.finished) {
        this.finish();
      }
    }
  }

  private finish(): void {
    this.finished = true;
    if (this.seenFiles && this.options.cache) this.options.cache.retainUnder(this.root, this.seenFiles);
    this.reportProgress(true);
    this.wake();
  }

  private fail(error: unknown): void {
    if (this.failure || this.finished) return;
    this.failure = { error };
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }

  private emit(folder: FolderState): void {
    this.foldersDone++;
    this.foldersPending--;
    if (folder.tracks.length === 0 && folder.skipped.length === 0) return;
    this.results.push({ folder: folder.path, tracks: sortTracks(folder.tracks), skipped: folder.skipped });
    this.wake();
  }

  private maybeEmit(folder: FolderState): void {
    if (folder.listed && folder.pendingFiles === 0) this.emit(folder);
  }

  private skip(folder: FolderState, entry: SkippedEntry): void {
    this.skippedCount++;
    folder.skipped.push(entry);
  }

  private addFile(folder: FolderState, filePath: string): void {
    if (!isAudioFile(filePath)) {
      this.skip(folder, unsupported(filePath));
      return;
    }
    this.audioFiles++;
    folder.audioPaths.push(filePath);
  }

  /**
   * Stat a folder's audio files together (stats are cheap; running many at once is what makes
   * a rescan fast) and serve unchanged files from the cache right here. Only files whose tags
   * must be read become jobs, and those run within the concurrency bound.
   */
  private async statAudioFiles(folder: FolderState): Promise<void> {
    const paths = folder.audioPaths.splice(0);
    for (let i = 0; i < paths.length && !this.failure; i += STAT_BATCH) {
      // Synchronous stats of a huge folder: let the event loop have its turns.
      const turn = i > 0 ? this.pacer.pace() : undefined;
      if (turn) await turn;
      const batch = paths.length <= STAT_BATCH ? paths : paths.slice(i, i + STAT_BATCH);
      const results = await this.statBatch(batch);
      if (this.failure) return;
      for (let j = 0; j < batch.length; j++) {
        const filePath = batch[j]!;
        const stats = results[j]!;
        if ('error' in stats) {
          this.fileDone(folder, filePath, { path: filePath, kind: 'unreadable-file', reason: describeError(stats.error) }, false);
        } else if (!stats.isFile()) {
          this.fileDone(folder, filePath, { path: filePath, kind: 'special-file', reason: 'not a regular file' }, false);
        } else {
          const cached = fromCache(filePath, stats, this.options.cache);
          if (cached) {
            this.fileDone(folder, filePath, cached, true);
          } else {
            folder.pendingFiles++;
            this.fileJobs.push({ kind: 'file', folder, path: filePath, stats });
          }
        }
      }
    }
  }

  private async statBatch(batch: readonly string[]): Promise<(ScanStats | { error: unknown })[]> {
    const statSync = this.fs.statSync;
    if (statSync && this.statPacer.useSync()) {
      const started = performance.now();
      const results: (ScanStats | { error: unknown })[] = [];
      for (const p of batch) {
        try {
          results.push(statSync(p));
        } catch (error) {
          results.push({ error });
        }
      }
      this.statPacer.recordSync((performance.now() - started) / batch.length);
      return results;
    }
    return Promise.all(batch.map((p) => this.fs.stat(p).catch((error: unknown) => ({ error }))));
  }

  private fileDone(folder: FolderState, filePath: string, entry: ScannedTrack | SkippedEntry, cached: boolean): void {
    this.seenFiles?.add(filePath);
    this.audioFilesDone++;
    if (cached) this.fromCache++;
    if (isSkippedEntry(entry)) this.skip(folder, entry);
    else folder.tracks.push(entry);
  }

  private async runFolder(job: FolderJob): Promise<void> {
    const folder = job.folder;
    // Listings and stats of a warm tree are synchronous calls: give the event loop its turns.
    const turn = this.pacer.pace();
    if (turn) await turn;
    if (this.failure) return;
    let entries;
    try {
      entries = await this.listFolder(folder.path);
    } catch (error) {
      this.skip(folder, { path: folder.path, kind: 'unreadable-folder', reason: `cannot list folder: ${describeError(error)}` });
      folder.listed = true;
      this.maybeEmit(folder);
      return;
    }
    if (this.failure) return;
    // What path.join would give for a plain name (readdir never returns separators or '..').
    const prefix = withTrailingSeparator(folder.path);
    const isIgnored = this.isIgnored;
    for (const entry of entries) {
      const name = entry.name;
      if (!this.options.includeHidden && name.startsWith('.')) continue;
      const isFile = entry.isFile();
      // Only ignore globs and the folders below need the relative path: not built per file.
      const relative = isFile && !isIgnored ? '' : folder.relative === '' ? name : `${folder.relative}/${name}`;
      if (isIgnored?.(relative)) continue;
      const childPath = prefix + name;
      if (isFile) {
        this.addFile(folder, childPath);
      } else if (entry.isDirectory()) {
        const realPath = withTrailingSeparator(folder.realPath) + name;
        if (this.visitedRealPaths.has(realPath)) continue;
        this.visitedRealPaths.add(realPath);
        this.folderJobs.push({ kind: 'folder', folder: this.newFolder(childPath, realPath, relative) });
      } else {
        // A symlink, or a file system that does not report types: ask stat what it is.
        await this.classifyByStat(folder, childPath, relative, entry.isSymbolicLink());
      }
    }
    await this.statAudioFiles(folder);
    folder.listed = true;
    this.maybeEmit(folder);
  }

  private listFolder(folderPath: string): Promise<ScanDirent[]> | ScanDirent[] {
    const readdirSync = this.fs.readdirSync;
    if (!readdirSync || !this.readdirPacer.useSync()) return this.fs.readdir(folderPath);
    const started = performance.now();
    const entries = readdirSync(folderPath);
    this.readdirPacer.recordSync(performance.now() - started);
    return entries;
  }

  private async classifyByStat(folder: FolderState, childPath: string, relative: string, isLink: boolean): Promise<void> {
    let stats: ScanStats;
    try {
      stats = await this.fs.stat(childPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (isLink && (code === 'ENOENT' || code === 'ENOTDIR')) {
        this.skip(folder, { path: childPath, kind: 'broken-link', reason: 'symbolic link to a missing target' });
      } else if (isLink && code === 'ELOOP') {
        this.skip(folder, { path: childPath, kind: 'broken-link', reason: 'symbolic link loops onto itself' });
      } else {
        this.skip(folder, { path: childPath, kind: 'unreadable-file', reason: describeError(error) });
      }
      return;
    }
    if (stats.isDirectory()) {
      if (isLink && this.options.followSymlinks === false) return;
      this.deferredLinks.push({ parent: folder, path: childPath, relative });
    } else if (stats.isFile()) {
      this.addFile(folder, childPath);
    } else if (isAudioFile(childPath)) {
      this.skip(folder, { path: childPath, kind: 'special-file', reason: 'not a regular file' });
    }
  }

  /**
   * Walk symlinked folders once every real folder has been walked, in name order, so which
   * path represents a folder reachable twice does not depend on timing.
   */
  private async followDeferredLinks(): Promise<void> {
    const links = this.deferredLinks.sort((a, b) => naturalCompare(a.path, b.path));
    this.deferredLinks = [];
    const duplicates = new Map<string, SkippedEntry[]>();
    for (const link of links) {
      if (this.failure) return;
      let realPath: string;
      try {
        realPath = await this.fs.realpath(link.path);
      } catch (error) {
        addTo(duplicates, link.parent.path, { path: link.path, kind: 'broken-link', reason: describeError(error) });
        continue;
      }
      if (this.visitedRealPaths.has(realPath)) {
        addTo(duplicates, link.parent.path, {
          path: link.path,
          kind: 'duplicate-folder',
          reason: `symbolic link to ${realPath}, which is already scanned`,
        });
        continue;
      }
      this.visitedRealPaths.add(realPath);
      this.folderJobs.push({ kind: 'folder', folder: this.newFolder(link.path, realPath, link.relative) });
    }
    for (const [folder, skipped] of duplicates) {
      this.skippedCount += skipped.length;
      this.results.push({ folder, tracks: [], skipped });
    }
    if (duplicates.size > 0) this.wake();
  }

  private async runFile(job: FileJob): Promise<void> {
    if (this.failure) return;
    // Files in memory are read with synchronous calls (read-pacer.ts), so a run of them never
    // yields by itself: give the event loop its turns here.
    const turn = this.pacer.pace();
    if (turn) await turn;
    if (this.failure) return;
    const outcome = await tagFile(job.path, job.stats, this.options.cache, this.readTags, this.pacer);
    this.tagReads++;
    this.fileDone(job.folder, job.path, outcome.entry, false);
    job.folder.pendingFiles--;
    this.maybeEmit(job.folder);
  }

  private reportProgress(done: boolean): void {
    const onProgress = this.options.onProgress;
    if (!onProgress) return;
    const now = Date.now();
    if (!done && now - this.lastProgressAt < (this.options.progressIntervalMs ?? 100)) return;
    this.lastProgressAt = now;
    onProgress({
      foldersDone: this.foldersDone,
      foldersPending: this.foldersPending,
      audioFiles: this.audioFiles,
      audioFilesDone: this.audioFilesDone,
      fromCache: this.fromCache,
      tagReads: this.tagReads,
      skipped: this.skippedCount,
      done,
    });
  }
}

function withTrailingSeparator(folder: string): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}

/**
 * What a cache entry stands for, built once per entry: a rescan of an unchanged folder hands
 * out the same (read-only) objects instead of rebuilding them and re-running the filename
 * fallbacks per file. A changed file gets a new entry, hence a new result.
 */
const resultOfEntry = new WeakMap<CachedTags, ScannedTrack | SkippedEntry>();

function resultFor(filePath: string, entry: CachedTags): ScannedTrack | SkippedEntry {
  const known = resultOfEntry.get(entry);
  // The same entry object could be set under two paths by a caller of TagCache.
  if (known && known.path === filePath) return known;
  const result: ScannedTrack | SkippedEntry =
    entry.error !== undefined
      ? { path: filePath, kind: 'unreadable-file', reason: entry.error }
      : { path: filePath, folder: path.dirname(filePath), size: entry.size, mtimeMs: entry.mtimeMs, tags: withPathFallbacks(filePath, entry.tags!) };
  resultOfEntry.set(entry, result);
  return result;
}

/** The cached result for an unchanged file (track or remembered failure), else undefined. */
function fromCache(filePath: string, stats: ScanStats, cache: TagCache | undefined): ScannedTrack | SkippedEntry | undefined {
  const cached = cache?.lookup(filePath, stats.size, stats.mtimeMs);
  return cached && resultFor(filePath, cached);
}

/** Tags for one stat'ed file: from the cache when size and mtime match, else read and cached. */
async function tagFile(filePath: string, stats: ScanStats, cache: TagCache | undefined, readTags: TagReader, pacer?: ReadPacer): Promise<TagOutcome> {
  const cached = fromCache(filePath, stats, cache);
  if (cached) return { entry: cached, fromCache: true };
  let entry: CachedTags;
  try {
    entry = { size: stats.size, mtimeMs: stats.mtimeMs, tags: await readTags(filePath, { size: stats.size, pacer }) };
  } catch (error) {
    // Remember the failure too: a corrupt file stays corrupt until it changes.
    entry = { size: stats.size, mtimeMs: stats.mtimeMs, error: `cannot read tags: ${describeError(error)}` };
  }
  cache?.set(filePath, entry);
  return { entry: resultFor(filePath, entry), fromCache: false };
}

function unsupported(filePath: string): SkippedEntry {
  const extension = extensionOf(filePath);
  return {
    path: filePath,
    kind: 'unsupported',
    reason: extension ? `unsupported file type ${extension}` : 'unsupported file type (no extension)',
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message.replace(/\s+/g, ' ').trim();
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
