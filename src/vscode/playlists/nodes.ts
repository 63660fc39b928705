import type { PlaylistInfo, PlaylistItem } from '../../library';
import type { PlaylistRoot } from './workspace-playlists';

/** A workspace folder's group (shown only in a multi-root workspace). */
export interface FolderNode {
  readonly kind: 'folder';
  readonly root: PlaylistRoot;
}

export interface PlaylistNode {
  readonly kind: 'playlist';
  readonly root: PlaylistRoot;
  readonly info: PlaylistInfo;
  readonly parent: FolderNode | undefined;
}

/** One line of a playlist; `index` is its position (a file may be listed twice). */
export interface EntryNode {
  readonly kind: 'entry';
  readonly playlist: PlaylistNode;
  readonly index: number;
  readonly item: PlaylistItem;
}

export type PlaylistsNode = FolderNode | PlaylistNode | EntryNode;

/** `contextValue`s, matched by the menus' when-clauses in package.json. */
export const CONTEXT = {
  folder: 'playhead.playlistFolder',
  playlist: 'playhead.playlist',
  entry: 'playhead.playlistEntry',
  missingEntry: 'playhead.playlistEntry.missing',
} as const;

export function isNode(value: unknown): value is PlaylistsNode {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'folder' || kind === 'playlist' || kind === 'entry';
}

/** A playlist as commands address it: which folder's store, and its name. */
export interface PlaylistRef {
  readonly root: PlaylistRoot;
  readonly name: string;
}
