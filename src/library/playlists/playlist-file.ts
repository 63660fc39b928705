import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import type { PlaylistEntry } from './entry';
import { formatM3u, parseM3u } from './m3u';
import { formatPls, parsePls } from './pls';
import { decodePlaylistText } from './text-encoding';

export type PlaylistFormat = 'm3u8' | 'm3u' | 'pls';

export const PLAYLIST_EXTENSIONS: Readonly<Record<string, PlaylistFormat>> = {
  '.m3u8': 'm3u8',
  '.m3u': 'm3u',
  '.pls': 'pls',
};

export function playlistFormatOf(filePath: string): PlaylistFormat | undefined {
  return PLAYLIST_EXTENSIONS[path.extname(filePath).toLowerCase()];
}

/** Parse playlist bytes; `filePath` gives the format and the folder relative paths start from. */
export function parsePlaylist(bytes: Uint8Array, filePath: string): PlaylistEntry[] {
  const format = playlistFormatOf(filePath);
  if (!format) throw new Error(`not a playlist file (.m3u8, .m3u, .pls): ${filePath}`);
  const text = decodePlaylistText(bytes, format === 'm3u8');
  const dir = path.dirname(path.resolve(filePath));
  return format === 'pls' ? parsePls(text, dir) : parseM3u(text, dir);
}

export async function readPlaylistFile(filePath: string): Promise<PlaylistEntry[]> {
  return parsePlaylist(await fs.readFile(filePath), filePath);
}

/** The file's text: M3U8 and M3U are written as extended M3U in UTF-8, PLS as PLS in UTF-8. */
export function formatPlaylist(entries: readonly PlaylistEntry[], filePath: string): string {
  return playlistFormatOf(filePath) === 'pls' ? formatPls(entries) : formatM3u(entries);
}

/** Write atomically (temp file + rename), so a crash never leaves half a playlist. */
export async function writePlaylistFile(filePath: string, entries: readonly PlaylistEntry[]): Promise<void> {
  await writeFileAtomic(filePath, formatPlaylist(entries, filePath));
}
