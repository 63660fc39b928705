import * as vscode from 'vscode';
import { DisposableStore } from '../../base/lifecycle';
import type { Player } from '../../player';
import { registerPlaylistCommands } from './commands';
import { PlaylistsDragAndDrop } from './drag-and-drop';
import { PlaylistsTreeProvider } from './tree';
import { WorkspacePlaylists } from './workspace-playlists';

export type { AddSource, AddToPlaylistArgs, PlayPlaylistResult } from './commands';
export type { EntryNode, FolderNode, PlaylistNode, PlaylistsNode } from './nodes';

export const PLAYLISTS_VIEW_ID = 'playhead.playlists';

/**
 * What `_playhead.playlists.internals` returns: the view's provider and drag-and-drop
 * controller, the objects VS Code itself calls. Local command results are passed by
 * reference in the extension host, so the integration tests (a separate bundle) can drive
 * them exactly as the workbench does. Not contributed, so it is in no menu or palette.
 */
export interface PlaylistsInternals {
  readonly provider: PlaylistsTreeProvider;
  readonly dragAndDrop: PlaylistsDragAndDrop;
}

/** Workspace playlists in VS Code: the Playlists view, its file watchers and the commands. */
export function registerPlaylists(deps: { context: vscode.ExtensionContext; player: Player; log: vscode.LogOutputChannel }): vscode.Disposable {
  const owned = new DisposableStore();
  const playlists = owned.add(new WorkspacePlaylists());
  const provider = owned.add(new PlaylistsTreeProvider(playlists, deps.log));
  const dragAndDrop = new PlaylistsDragAndDrop(deps.log);
  owned.add(
    vscode.window.createTreeView(PLAYLISTS_VIEW_ID, {
      treeDataProvider: provider,
      dragAndDropController: dragAndDrop,
      canSelectMany: true,
      showCollapseAll: true,
    }),
  );
  owned.add(registerPlaylistCommands({ playlists, player: deps.player, log: deps.log }));
  const internals: PlaylistsInternals = { provider, dragAndDrop };
  owned.add(vscode.commands.registerCommand('_playhead.playlists.internals', () => internals));
  return new vscode.Disposable(() => owned.dispose());
}
