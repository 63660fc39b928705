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
  const view = owned.add(
    vscode.window.createTreeView(PLAYLISTS_VIEW_ID, {
      treeDataProvider: provider,
      dragAndDropController: dragAndDrop,
      canSelectMany: true,
      showCollapseAll: true,
    }),
  );
  // File watchers can miss events (seen under load; network drives may have none): re-read
  // when the view comes into sight and when the window regains focus, the moments a change
  // made elsewhere (git pull, another editor) is about to be looked at.
  owned.add(view.onDidChangeVisibility((event) => event.visible && playlists.refresh()));
  owned.add(vscode.window.onDidChangeWindowState((state) => state.focused && view.visible && playlists.refresh()));
  owned.add(registerPlaylistCommands({ playlists, player: deps.player, log: deps.log }));
  const internals: PlaylistsInternals = { provider, dragAndDrop };
  owned.add(vscode.commands.registerCommand('_playhead.playlists.internals', () => internals));
  return new vscode.Disposable(() => owned.dispose());
}
