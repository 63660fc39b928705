import * as vscode from 'vscode';
import { addFilesToPlaylist } from './add-files';
import type { EntryNode, PlaylistNode, PlaylistsNode } from './nodes';
import { indicesIfCurrent } from './stale-guard';

/** The mime type VS Code gives this tree's own items: application/vnd.code.tree.<view id, lower case>. */
export const TREE_MIME = 'application/vnd.code.tree.playhead.playlists';
const URI_LIST = 'text/uri-list';

/**
 * Drag and drop in the Playlists view, after the tree-drag-and-drop sample: entries dragged
 * within their playlist are reordered, entries dragged to another playlist are copied there,
 * and files or folders dropped from the Explorer are added (at the row dropped on).
 */
export class PlaylistsDragAndDrop implements vscode.TreeDragAndDropController<PlaylistsNode> {
  readonly dragMimeTypes = [TREE_MIME];
  readonly dropMimeTypes = [TREE_MIME, URI_LIST];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  handleDrag(source: readonly PlaylistsNode[], dataTransfer: vscode.DataTransfer): void {
    const entries = source.filter((node): node is EntryNode => node.kind === 'entry');
    if (entries.length > 0) dataTransfer.set(TREE_MIME, new vscode.DataTransferItem(entries));
  }

  async handleDrop(target: PlaylistsNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    // Empty space or a folder group: there is no one playlist the drop could mean.
    if (!target || target.kind === 'folder') return;
    const playlist = target.kind === 'entry' ? target.playlist : target;
    const dragged = ((dataTransfer.get(TREE_MIME)?.value ?? []) as readonly PlaylistsNode[]).filter((node): node is EntryNode => node.kind === 'entry');
    // Our own items also travel as text/uri-list; the tree's type wins so a reorder never adds.
    if (dragged.length > 0) {
      await this.dropEntries(dragged, playlist, target.kind === 'entry' ? target : undefined);
      return;
    }
    const uriList = await dataTransfer.get(URI_LIST)?.asString();
    if (uriList === undefined || token.isCancellationRequested) return;
    const uris = parseUriList(uriList);
    if (uris.length > 0) await addFilesToPlaylist({ root: playlist.root, name: playlist.info.name }, uris, this.log, target.kind === 'entry' ? target.index : undefined);
  }

  private async dropEntries(dragged: readonly EntryNode[], playlist: PlaylistNode, onto: EntryNode | undefined): Promise<void> {
    const { store } = playlist.root;
    const name = playlist.info.name;
    const fromHere = dragged.filter((node) => node.playlist.info.path === playlist.info.path);
    if (fromHere.length === dragged.length) {
      const indices = await indicesIfCurrent(playlist, fromHere);
      if (!indices) return;
      // Onto a row means "take its place": below it when moving down, above it when moving up
      // (always "before" would make dragging one row down a no-op). Onto the playlist: the end.
      const to = onto === undefined ? Number.MAX_SAFE_INTEGER : indices.every((i) => i < onto.index) ? onto.index + 1 : onto.index;
      await store.move(name, indices, to);
      return;
    }
    // From another playlist: copy the entries as they are (title and duration included).
    const copies = dragged.map(({ item }) => ({ path: item.path, url: item.url, duration: item.duration, title: item.title }));
    await store.add(name, copies, onto?.index);
  }
}

/** RFC 2483: one URI per line, `#` lines are comments. */
export function parseUriList(text: string): vscode.Uri[] {
  const uris: vscode.Uri[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      uris.push(vscode.Uri.parse(trimmed, true));
    } catch {
      // Not a URI: ignore the line, as the spec's readers do.
    }
  }
  return uris;
}
