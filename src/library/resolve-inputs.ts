import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Track } from '../player/track';
import { playlistFormatOf, readPlaylistFile } from './playlists/playlist-file';
import { isSkippedEntry, readTrack, scanLibrary } from './scanner';
import { toPlayerTrack } from './to-track';

/** An input that gave no track, and why, in words for people. */
export interface SkippedInput {
  readonly path: string;
  readonly reason: string;
}

export interface ResolvedInputs {
  /** In the order the inputs were given; a folder's tracks in the library's play order. */
  readonly tracks: Track[];
  readonly skipped: SkippedInput[];
}

export interface ResolveInputsOptions {
  /** Relative paths start here. Default process.cwd(). */
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

const webUrl = /^https?:\/\//i;

/**
 * What `playhead play` and the REST API accept as "something to play": a folder (scanned
 * recursively), an audio file, a playlist file (.m3u8/.m3u/.pls), or an http(s) URL. Nothing
 * throws for a bad input: it is reported in `skipped`, so one typo does not lose the rest.
 */
export async function resolvePlayInputs(inputs: readonly string[], options: ResolveInputsOptions = {}): Promise<ResolvedInputs> {
  const tracks: Track[] = [];
  const skipped: SkippedInput[] = [];
  for (const input of inputs) {
    options.signal?.throwIfAborted();
    const found = await resolveOne(input, options);
    tracks.push(...found.tracks);
    skipped.push(...found.skipped);
  }
  return { tracks, skipped };
}

async function resolveOne(input: string, options: ResolveInputsOptions): Promise<ResolvedInputs> {
  if (webUrl.test(input)) {
    return { tracks: [{ uri: input }], skipped: [] };
  }
  let filePath: string;
  try {
    filePath = input.startsWith('file:') ? fileURLToPath(input) : path.resolve(options.cwd ?? process.cwd(), input);
  } catch (error) {
    return { tracks: [], skipped: [{ path: input, reason: describe(error) }] };
  }
  let stats: import('node:fs').Stats;
  try {
    stats = await fs.stat(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : describe(error);
    return { tracks: [], skipped: [{ path: filePath, reason }] };
  }
  if (stats.isDirectory()) {
    const result = await scanLibrary(filePath, { ...(options.signal ? { signal: options.signal } : {}) });
    return { tracks: result.tracks.map(toPlayerTrack), skipped: result.skipped.map(({ path: p, reason }) => ({ path: p, reason })) };
  }
  if (playlistFormatOf(filePath)) {
    return resolvePlaylist(filePath);
  }
  return resolveFile(filePath);
}

async function resolveFile(filePath: string): Promise<ResolvedInputs> {
  const entry = await readTrack(filePath);
  if (isSkippedEntry(entry)) {
    return { tracks: [], skipped: [{ path: entry.path, reason: entry.reason }] };
  }
  return { tracks: [toPlayerTrack(entry)], skipped: [] };
}

async function resolvePlaylist(playlistPath: string): Promise<ResolvedInputs> {
  let entries;
  try {
    entries = await readPlaylistFile(playlistPath);
  } catch (error) {
    return { tracks: [], skipped: [{ path: playlistPath, reason: `unreadable playlist: ${describe(error)}` }] };
  }
  const tracks: Track[] = [];
  const skipped: SkippedInput[] = [];
  for (const entry of entries) {
    if (entry.path !== undefined) {
      const found = await resolveFile(entry.path);
      tracks.push(...found.tracks);
      // Say which playlist listed a missing or unreadable file: that is where to fix it.
      skipped.push(...found.skipped.map((s) => ({ path: s.path, reason: `${s.reason} (listed in ${path.basename(playlistPath)})` })));
    } else if (entry.url !== undefined && webUrl.test(entry.url)) {
      tracks.push({
        uri: entry.url,
        ...(entry.title !== undefined && { title: entry.title }),
        ...(entry.duration !== undefined && { durationMs: Math.round(entry.duration * 1000) }),
      });
    } else {
      skipped.push({ path: entry.location, reason: `not a file or http(s) URL (listed in ${path.basename(playlistPath)})` });
    }
  }
  return { tracks, skipped };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
