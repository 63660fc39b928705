import * as vscode from 'vscode';
import type { EntryNode, PlaylistNode } from './nodes';

/**
 * The store addresses entries by position, and the tree may have been drawn before an
 * external edit (a git pull, a text editor) moved them. Before removing or moving, check that
 * each node's position still holds its entry; if not, do nothing and say so, rather than
 * edit the wrong lines. (The watcher's refresh shows the new content.)
 */
export async function indicesIfCurrent(playlist: PlaylistNode, nodes: readonly EntryNode[]): Promise<number[] | undefined> {
  const items = await playlist.root.store.read(playlist.info.name);
  if (nodes.every((node) => items[node.index]?.location === node.item.location)) return nodes.map((node) => node.index);
  void vscode.window.showWarningMessage(`The playlist "${playlist.info.name}" changed on disk since it was shown. Nothing was changed; please try again.`);
  return undefined;
}
