import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vscode from 'vscode';
import { playlistInputFor, scanLibrary, type PlaylistItem, type PlaylistTrackInput } from '../../library';
import type { Track } from '../../player';

/**
 * Conversions between the player's tracks, playlist entries and Explorer files. Playlists
 * store "Artist - Title" in one string (the #EXTINF convention), so that is split back here.
 */

const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;

/** What a playlist records for a track the player knows (the current one, or the queue's). */
export function inputForTrack(track: Track): PlaylistTrackInput {
  const duration = track.durationMs !== undefined ? track.durationMs / 1000 : undefined;
  const about = { duration, artist: track.artist, title: track.title };
  if (track.uri.startsWith('file:')) return { path: fileURLToPath(track.uri), ...about };
  // A Windows path (C:\...) has no "//" after the colon, so it is not taken for a URL.
  if (URL_PATTERN.test(track.uri)) return { url: track.uri, ...about };
  return { path: track.uri, ...about };
}

/** "Artist - Title" → both parts; anything else is all title. */
export function splitEntryTitle(title: string | undefined): { artist?: string; title?: string } {
  if (title === undefined || title.trim() === '') return {};
  const at = title.indexOf(' - ');
  if (at <= 0 || at + 3 >= title.length) return { title };
  return { artist: title.slice(0, at), title: title.slice(at + 3) };
}

/** The tree's label: "Artist – Title", the title, or the file name. */
export function entryLabel(item: PlaylistItem): string {
  const { artist, title } = splitEntryTitle(item.title);
  if (title !== undefined) return artist !== undefined ? `${artist} – ${title}` : title;
  const where = item.path ?? item.url ?? item.location;
  return path.basename(where.replace(/[?#].*$/, '')) || where;
}

/** A playlist entry as a player track, with what the file recorded about it. */
export function trackForItem(item: PlaylistItem): Track {
  const { artist, title } = splitEntryTitle(item.title);
  return {
    uri: item.path ?? item.url ?? item.location,
    ...(title !== undefined && { title }),
    ...(artist !== undefined && { artist }),
    ...(item.duration !== undefined && item.duration >= 0 && { durationMs: Math.round(item.duration * 1000) }),
  };
}

export interface FileInputs {
  readonly inputs: PlaylistTrackInput[];
  /** Files and folders that gave nothing to add, with why (for the log). */
  readonly problems: string[];
}

/**
 * Explorer files and folders as playlist entries, with their tags (for #EXTINF). Folders are
 * scanned like Play Folder does: recursively, in play order, honouring the library settings.
 */
export async function inputsForFiles(uris: readonly vscode.Uri[], signal?: AbortSignal): Promise<FileInputs> {
  const config = vscode.workspace.getConfiguration('playhead.library');
  const options = {
    ignore: config.get<string[]>('ignore', []),
    followSymlinks: config.get<boolean>('followSymlinks', true),
    includeHidden: config.get<boolean>('includeHidden', false),
    signal,
  };
  const inputs: PlaylistTrackInput[] = [];
  const problems: string[] = [];
  for (const uri of uris) {
    if (uri.scheme !== 'file') {
      problems.push(`${uri.toString()}: not a file on this machine`);
      continue;
    }
    try {
      const result = await scanLibrary(uri.fsPath, options);
      inputs.push(...result.tracks.map(playlistInputFor));
      for (const skipped of result.skipped) {
        if (skipped.kind !== 'unsupported') problems.push(`${skipped.path}: ${skipped.reason}`);
      }
      if (result.tracks.length === 0) problems.push(`${uri.fsPath}: no playable audio`);
    } catch (error) {
      if (signal?.aborted) throw error;
      problems.push(`${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { inputs, problems };
}
