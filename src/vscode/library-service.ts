import * as vscode from 'vscode';
import { Disposable } from '../base/lifecycle';
import { scanFolders, sortedInsertionIndex, TagCache, type ScannedTrack, type SkippedEntry } from '../library';
import type { Track } from '../player';
import type { Log } from './log';
import { toPlayerTrack } from './tracks';

export interface ScanCallbacks {
  /** Tracks of one finished folder and where they belong among the tracks found so far. */
  onTracks(tracks: readonly Track[], index: number): void | Promise<void>;
  onProgress?(found: number, done: number): void;
}

export interface ScanOutcome {
  readonly tracks: number;
  readonly skipped: readonly SkippedEntry[];
  readonly cancelled: boolean;
}

function libraryConfig() {
  const config = vscode.workspace.getConfiguration('playhead.library');
  return {
    ignore: config.get<string[]>('ignore', []),
    followSymlinks: config.get<boolean>('followSymlinks', true),
    includeHidden: config.get<boolean>('includeHidden', false),
  };
}

/**
 * Scanning for the VS Code side: one persistent tag cache in the extension's global storage
 * (so a rescan of an unchanged folder only stats files), settings applied, folders merged
 * into play order as they finish.
 */
export class LibraryService extends Disposable {
  private cache: Promise<TagCache> | undefined;

  constructor(
    private readonly storageDir: string,
    private readonly log: Log,
  ) {
    super();
  }

  private tagCache(): Promise<TagCache> {
    this.cache ??= TagCache.open(this.storageDir, { log: (message) => this.log.warn(message) }).catch((error: unknown) => {
      this.log.warn(`tag cache unavailable, scanning without it: ${String(error)}`);
      return TagCache.inMemory();
    });
    return this.cache;
  }

  async scan(root: string, callbacks: ScanCallbacks, signal: AbortSignal): Promise<ScanOutcome> {
    const cache = await this.tagCache();
    const { ignore, followSymlinks, includeHidden } = libraryConfig();
    const found: ScannedTrack[] = [];
    const skipped: SkippedEntry[] = [];
    try {
      for await (const folder of scanFolders(root, {
        cache,
        ignore,
        followSymlinks,
        includeHidden,
        signal,
        onProgress: (p) => callbacks.onProgress?.(p.audioFiles, p.audioFilesDone),
      })) {
        skipped.push(...folder.skipped);
        if (folder.tracks.length === 0) continue;
        // A folder's tracks are contiguous in play order: find where the folder goes.
        const index = sortedInsertionIndex(found, folder.tracks[0]!);
        found.splice(index, 0, ...folder.tracks);
        await callbacks.onTracks(folder.tracks.map(toPlayerTrack), index);
      }
    } catch (error) {
      if (signal.aborted) return { tracks: found.length, skipped, cancelled: true };
      throw error;
    }
    for (const entry of skipped) {
      this.log.info(`skipped ${entry.path}: ${entry.reason}`);
    }
    return { tracks: found.length, skipped, cancelled: false };
  }
}
