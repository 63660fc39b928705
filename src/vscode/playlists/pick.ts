import * as vscode from 'vscode';
import { sanitizePlaylistName } from '../../library';
import { isNode, type PlaylistRef } from './nodes';
import type { PlaylistRoot, WorkspacePlaylists } from './workspace-playlists';

/**
 * How commands name a playlist: a tree node (menus), `{ name, workspaceFolder? }` or just a
 * name (tests, keybindings, other extensions); nothing means "ask".
 */
export type PlaylistArg = unknown;

/** The playlist `arg` names, or a quick pick of all of them; undefined when cancelled or unknown. */
export async function resolvePlaylist(playlists: WorkspacePlaylists, arg: PlaylistArg, placeHolder: string): Promise<PlaylistRef | undefined> {
  if (isNode(arg)) {
    if (arg.kind === 'playlist') return { root: arg.root, name: arg.info.name };
    if (arg.kind === 'entry') return { root: arg.playlist.root, name: arg.playlist.info.name };
  }
  const named = typeof arg === 'string' ? { name: arg } : asNamed(arg);
  if (named) return findByName(playlists, named.name, named.workspaceFolder);
  const picked = await pickPlaylist(playlists, placeHolder);
  return picked === 'create' ? undefined : picked;
}

function asNamed(arg: unknown): { name: string; workspaceFolder?: vscode.Uri } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { name, workspaceFolder } = arg as { name?: unknown; workspaceFolder?: unknown };
  if (typeof name !== 'string') return undefined;
  return { name, workspaceFolder: workspaceFolder instanceof vscode.Uri ? workspaceFolder : undefined };
}

async function findByName(playlists: WorkspacePlaylists, name: string, workspaceFolder: vscode.Uri | undefined): Promise<PlaylistRef | undefined> {
  const roots = workspaceFolder ? [playlists.rootFor(workspaceFolder)].filter((r) => r !== undefined) : playlists.roots;
  for (const root of roots) {
    const info = await root.store.find(name);
    if (info) return { root, name: info.name };
  }
  void vscode.window.showWarningMessage(`Playhead: there is no playlist named "${name}".`);
  return undefined;
}

interface PlaylistPick extends vscode.QuickPickItem {
  readonly ref?: PlaylistRef;
  readonly create?: true;
}

/** Every playlist in the workspace (folder names as descriptions when there are several). */
export async function pickPlaylist(playlists: WorkspacePlaylists, placeHolder: string, options: { allowCreate?: boolean } = {}): Promise<PlaylistRef | 'create' | undefined> {
  const multiRoot = playlists.roots.length > 1;
  const lists = await Promise.all(playlists.roots.map(async (root) => ({ root, infos: await root.store.list() })));
  const items: PlaylistPick[] = lists.flatMap(({ root, infos }) =>
    infos.map((info) => ({
      label: info.name,
      description: multiRoot ? root.workspaceFolder.name : undefined,
      ref: { root, name: info.name },
    })),
  );
  if (options.allowCreate) items.push({ label: '$(add) New Playlist…', create: true, alwaysShow: true });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('There are no playlists in this workspace yet.', 'Create Playlist').then((choice) => {
      if (choice) void vscode.commands.executeCommand('playhead.createPlaylist');
    });
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Playhead', placeHolder });
  if (!picked) return undefined;
  return picked.create ? 'create' : picked.ref;
}

/** The folder a new playlist goes in: the only one, or the user's choice. */
export async function pickRoot(playlists: WorkspacePlaylists, workspaceFolder?: vscode.Uri): Promise<PlaylistRoot | undefined> {
  if (workspaceFolder) return playlists.rootFor(workspaceFolder);
  const roots = playlists.roots;
  if (roots.length <= 1) {
    if (roots.length === 0) void vscode.window.showWarningMessage('Playhead keeps playlists in a workspace folder: open a folder first.');
    return roots[0];
  }
  const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Keep the playlist in which folder?' });
  return folder ? playlists.rootFor(folder.uri) : undefined;
}

/** Asks for a playlist name, with live validation against the folder's existing names. */
export async function askPlaylistName(root: PlaylistRoot, options: { title: string; value?: string; current?: string }): Promise<string | undefined> {
  const taken = new Set((await root.store.list()).map((info) => info.name.toLowerCase()));
  if (options.current !== undefined) taken.delete(options.current.toLowerCase());
  return vscode.window.showInputBox({
    title: options.title,
    prompt: 'Saved as an M3U8 file in the playlists folder',
    value: options.value,
    placeHolder: 'Playlist name',
    validateInput: (value) => validatePlaylistName(value, taken),
  });
}

export function validatePlaylistName(value: string, taken: ReadonlySet<string>): string | vscode.InputBoxValidationMessage | undefined {
  const safe = sanitizePlaylistName(value);
  if (safe === '') return value.trim() === '' ? 'Enter a name' : `"${value}" cannot be used as a file name`;
  if (taken.has(safe.toLowerCase())) return `A playlist named "${safe}" already exists`;
  // Characters a file name cannot hold are replaced; say so rather than surprise later.
  if (safe !== value.trim()) return { message: `Will be saved as "${safe}"`, severity: vscode.InputBoxValidationSeverity.Info };
  return undefined;
}
