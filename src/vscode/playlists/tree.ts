import * as vscode from 'vscode';
import { Disposable } from '../../base/lifecycle';
import { formatTime } from '../format';
import { CONTEXT, type EntryNode, type FolderNode, type PlaylistNode, type PlaylistsNode } from './nodes';
import { entryLabel } from './tracks';
import type { PlaylistRoot, WorkspacePlaylists } from './workspace-playlists';

/**
 * The Playlists view: playlists (grouped by workspace folder when there are several) and,
 * expanded, their entries. Children are read from disk when VS Code asks, so a refresh is a
 * plain `fire()`; stable ids keep expansion and selection across refreshes.
 */
export class PlaylistsTreeProvider extends Disposable implements vscode.TreeDataProvider<PlaylistsNode> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<PlaylistsNode | undefined>());
  readonly onDidChangeTreeData: vscode.Event<PlaylistsNode | undefined> = this.changeEmitter.event;

  constructor(
    private readonly playlists: WorkspacePlaylists,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(playlists.onDidChange(() => this.changeEmitter.fire(undefined)));
  }

  async getChildren(element?: PlaylistsNode): Promise<PlaylistsNode[]> {
    if (!element) return this.topLevel();
    if (element.kind === 'folder') return this.playlistsOf(element.root, element);
    if (element.kind === 'playlist') return this.entriesOf(element);
    return [];
  }

  getParent(element: PlaylistsNode): PlaylistsNode | undefined {
    if (element.kind === 'entry') return element.playlist;
    if (element.kind === 'playlist') return element.parent;
    return undefined;
  }

  getTreeItem(element: PlaylistsNode): vscode.TreeItem {
    switch (element.kind) {
      case 'folder':
        return folderItem(element);
      case 'playlist':
        return playlistItem(element);
      case 'entry':
        return entryItem(element);
    }
  }

  private async topLevel(): Promise<PlaylistsNode[]> {
    const roots = this.playlists.roots;
    if (roots.length === 1) return this.playlistsOf(roots[0]!, undefined);
    // Multi-root: a group per folder that has playlists; none at all shows the welcome view.
    const groups = await Promise.all(
      roots.map(async (root) => ((await this.playlistsOf(root, undefined)).length > 0 ? { kind: 'folder' as const, root } : undefined)),
    );
    return groups.filter((group) => group !== undefined);
  }

  private async playlistsOf(root: PlaylistRoot, parent: FolderNode | undefined): Promise<PlaylistNode[]> {
    try {
      return (await root.store.list()).map((info) => ({ kind: 'playlist', root, info, parent }));
    } catch (error) {
      this.log.warn(`could not list the playlists in ${root.store.folder}: ${String(error)}`);
      return [];
    }
  }

  private async entriesOf(playlist: PlaylistNode): Promise<EntryNode[]> {
    try {
      const items = await playlist.root.store.read(playlist.info.name);
      return items.map((item, index) => ({ kind: 'entry', playlist, index, item }));
    } catch (error) {
      // Deleted or unreadable between listing and expanding: the next refresh settles it.
      this.log.warn(`could not read the playlist ${playlist.info.path}: ${String(error)}`);
      return [];
    }
  }
}

function folderId(root: PlaylistRoot): string {
  return `folder:${root.workspaceFolder.uri.toString()}`;
}

function playlistId(node: PlaylistNode): string {
  return `playlist:${node.info.path}`;
}

function folderItem(node: FolderNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.root.workspaceFolder.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = folderId(node.root);
  item.iconPath = new vscode.ThemeIcon('root-folder');
  item.tooltip = node.root.store.folder;
  item.contextValue = CONTEXT.folder;
  return item;
}

function playlistItem(node: PlaylistNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.info.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = playlistId(node);
  item.iconPath = new vscode.ThemeIcon('list-unordered');
  // M3U8 is the norm; other formats are named so the user knows what will be rewritten.
  item.description = node.info.format === 'm3u8' ? undefined : node.info.format.toUpperCase();
  item.tooltip = node.info.path;
  item.contextValue = CONTEXT.playlist;
  return item;
}

function entryItem(node: EntryNode): vscode.TreeItem {
  const { item: entry } = node;
  const item = new vscode.TreeItem(entryLabel(entry), vscode.TreeItemCollapsibleState.None);
  // The position is part of the id: the same file may be listed twice.
  item.id = `${playlistId(node.playlist)}#${node.index}:${entry.location}`;
  const where = entry.path ?? entry.url ?? entry.location;
  if (entry.missing) {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.description = 'missing';
    item.tooltip = new vscode.MarkdownString().appendText(`Missing: ${where}`);
    item.contextValue = CONTEXT.missingEntry;
  } else {
    item.iconPath = new vscode.ThemeIcon(entry.url !== undefined ? 'radio-tower' : 'file-media');
    item.description = entry.duration !== undefined && entry.duration >= 0 ? formatTime(entry.duration * 1000) : undefined;
    item.tooltip = where;
    item.contextValue = CONTEXT.entry;
  }
  return item;
}
