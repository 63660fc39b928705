import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Emitter, type Event } from '../../base/event';
import { Disposable } from '../../base/lifecycle';
import { naturalCompare } from '../order';
import type { PlaylistEntry, PlaylistItem, PlaylistTrackInput } from './entry';
import { locationFor } from './locations';
import { compact } from './m3u';
import { sanitizePlaylistName } from './names';
import { playlistFormatOf, readPlaylistFile, writePlaylistFile, type PlaylistFormat } from './playlist-file';

export interface PlaylistInfo {
  /** Display name: the file name without its extension. */
  readonly name: string;
  readonly path: string;
  readonly format: PlaylistFormat;
}

export type PlaylistChange =
  | { readonly kind: 'created' | 'changed' | 'deleted'; readonly name: string }
  | { readonly kind: 'renamed'; readonly name: string; readonly oldName: string };

/** The default folder under a workspace folder: `.vscode/playlists`. */
export function defaultPlaylistFolder(workspaceFolder: string): string {
  return path.join(workspaceFolder, '.vscode', 'playlists');
}

export class PlaylistError extends Error {
  override readonly name = 'PlaylistError';
}

/** Which format wins when one name exists in several: the one Playhead writes comes first. */
const FORMAT_PREFERENCE: readonly PlaylistFormat[] = ['m3u8', 'm3u', 'pls'];

/**
 * The playlists in one folder (one per workspace folder in a multi-root workspace). New
 * playlists are M3U8; existing M3U and PLS files are read and, when edited, rewritten in
 * their own format. Edits are serialised so two quick commands cannot lose one another's
 * change; each is a read-modify-write of the file, so external edits made in between are
 * kept. The store does not watch the folder (the VS Code glue does); it fires `onDidChange`
 * for its own changes.
 */
export class PlaylistStore extends Disposable {
  private readonly changeEmitter = this._register(new Emitter<PlaylistChange>());
  readonly onDidChange: Event<PlaylistChange> = this.changeEmitter.event;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly folder: string) {
    super();
  }

  /** Playlists in natural name order; a missing folder means none. */
  async list(): Promise<PlaylistInfo[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const byName = new Map<string, PlaylistInfo>();
    for (const fileName of names) {
      if (fileName.startsWith('.')) continue; // temp files of atomic writes, hidden files
      const format = playlistFormatOf(fileName);
      if (!format) continue;
      const name = fileName.slice(0, -path.extname(fileName).length);
      const info = { name, path: path.join(this.folder, fileName), format };
      const existing = byName.get(name);
      if (!existing || FORMAT_PREFERENCE.indexOf(format) < FORMAT_PREFERENCE.indexOf(existing.format)) byName.set(name, info);
    }
    return [...byName.values()].sort((a, b) => naturalCompare(a.name, b.name));
  }

  /** The playlist called `name`, or undefined. */
  async find(name: string): Promise<PlaylistInfo | undefined> {
    return (await this.list()).find((p) => p.name === name);
  }

  /** Create an empty M3U8 playlist. The name is sanitised; the info says what it became. */
  create(name: string, tracks: readonly PlaylistTrackInput[] = []): Promise<PlaylistInfo> {
    return this.serialised(async () => {
      const safe = this.validName(name);
      if (await this.find(safe)) throw new PlaylistError(`a playlist named "${safe}" already exists`);
      const filePath = path.join(this.folder, `${safe}.m3u8`);
      await writePlaylistFile(filePath, tracks.map((t) => this.entryFor(t, filePath)));
      this.changeEmitter.fire({ kind: 'created', name: safe });
      return { name: safe, path: filePath, format: 'm3u8' as const };
    });
  }

  rename(name: string, newName: string): Promise<PlaylistInfo> {
    return this.serialised(async () => {
      const info = await this.require(name);
      const safe = this.validName(newName);
      if (safe === info.name) return info;
      const existing = await this.find(safe);
      // A case-only rename on a case-insensitive file system finds itself: allowed.
      if (existing && existing.path.toLowerCase() !== info.path.toLowerCase()) {
        throw new PlaylistError(`a playlist named "${safe}" already exists`);
      }
      const target = path.join(this.folder, `${safe}${path.extname(info.path)}`);
      // Entries are relative to the folder, which does not change: the content stays valid.
      await fs.rename(info.path, target);
      this.changeEmitter.fire({ kind: 'renamed', name: safe, oldName: info.name });
      return { name: safe, path: target, format: info.format };
    });
  }

  delete(name: string): Promise<void> {
    return this.serialised(async () => {
      const info = await this.require(name);
      await fs.rm(info.path);
      this.changeEmitter.fire({ kind: 'deleted', name: info.name });
    });
  }

  /** The entries, each flagged `missing` when its file no longer exists. */
  async read(name: string): Promise<PlaylistItem[]> {
    const info = await this.require(name);
    return withMissingFlags(await readPlaylistFile(info.path));
  }

  /** Append tracks, or insert them before `index`. */
  add(name: string, tracks: readonly PlaylistTrackInput[], index?: number): Promise<void> {
    return this.edit(name, (entries, filePath) => {
      const added = tracks.map((t) => this.entryFor(t, filePath));
      const at = index === undefined ? entries.length : clamp(index, 0, entries.length);
      return [...entries.slice(0, at), ...added, ...entries.slice(at)];
    });
  }

  /** Remove the entries at `indices` (positions, since a playlist may list a file twice). */
  remove(name: string, indices: readonly number[]): Promise<void> {
    const drop = new Set(indices);
    return this.edit(name, (entries) => entries.filter((_, i) => !drop.has(i)));
  }

  /**
   * Move the entries at `indices` (kept in their relative order) so they land before the
   * entry that is at `toIndex` now; `toIndex === length` moves them to the end. This is what
   * a drag-and-drop of a multi-selection onto a row means.
   */
  move(name: string, indices: readonly number[], toIndex: number): Promise<void> {
    return this.edit(name, (entries) => moveEntries(entries, indices, toIndex));
  }

  /** Replace all entries (e.g. "save the queue as this playlist"). */
  replace(name: string, tracks: readonly PlaylistTrackInput[]): Promise<void> {
    return this.edit(name, (_, filePath) => tracks.map((t) => this.entryFor(t, filePath)));
  }

  private edit(name: string, change: (entries: PlaylistEntry[], filePath: string) => PlaylistEntry[]): Promise<void> {
    return this.serialised(async () => {
      const info = await this.require(name);
      const entries = await readPlaylistFile(info.path);
      await writePlaylistFile(info.path, change(entries, info.path));
      this.changeEmitter.fire({ kind: 'changed', name: info.name });
    });
  }

  private entryFor(track: PlaylistTrackInput, playlistPath: string): PlaylistEntry {
    const title =
      track.title !== undefined && track.artist !== undefined
        ? `${track.artist} - ${track.title}`
        : (track.title ?? (track.path ? path.basename(track.path, path.extname(track.path)) : undefined));
    if (track.url !== undefined) return compact({ location: track.url, url: track.url, duration: track.duration, title });
    if (track.path === undefined) throw new PlaylistError('a playlist entry needs a path or a URL');
    const absolute = path.resolve(track.path);
    return compact({ location: locationFor(absolute, path.dirname(playlistPath)), path: absolute, duration: track.duration, title });
  }

  private async require(name: string): Promise<PlaylistInfo> {
    const info = await this.find(name);
    if (!info) throw new PlaylistError(`no playlist named "${name}"`);
    return info;
  }

  private validName(name: string): string {
    const safe = sanitizePlaylistName(name);
    if (safe === '') throw new PlaylistError(`"${name}" cannot be used as a playlist name`);
    return safe;
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Flag entries whose file is gone. Stats run concurrently; URLs are never missing. */
export async function withMissingFlags(entries: readonly PlaylistEntry[]): Promise<PlaylistItem[]> {
  return Promise.all(
    entries.map(async (entry) => {
      if (entry.path === undefined) return { ...entry, missing: false };
      try {
        await fs.stat(entry.path);
        return { ...entry, missing: false };
      } catch {
        return { ...entry, missing: true };
      }
    }),
  );
}

export function moveEntries<T>(entries: readonly T[], indices: readonly number[], toIndex: number): T[] {
  const moving = new Set(indices.filter((i) => i >= 0 && i < entries.length));
  if (moving.size === 0) return [...entries];
  const target = clamp(toIndex, 0, entries.length);
  const moved = [...moving].sort((a, b) => a - b).map((i) => entries[i]!);
  const kept: T[] = [];
  let insertAt = 0;
  entries.forEach((entry, i) => {
    if (i === target) insertAt = kept.length;
    if (!moving.has(i)) kept.push(entry);
  });
  if (target === entries.length) insertAt = kept.length;
  return [...kept.slice(0, insertAt), ...moved, ...kept.slice(insertAt)];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.trunc(value)));
}
