import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, DisposableStore, MutableDisposable, disposableTimeout } from '../../base/lifecycle';
import { PlaylistFolderWatch, PlaylistStore } from '../../library';

export const FOLDER_SETTING = 'playhead.playlists.folder';
const DEFAULT_FOLDER = '.vscode/playlists';
const PLAYLIST_GLOB = '*.{m3u8,m3u,pls}';
/** Several events arrive for one save (and for our own writes, watcher + store): one refresh. */
const REFRESH_DELAY_MS = 75;

/** One workspace folder and the playlists kept in it. */
export interface PlaylistRoot {
  readonly workspaceFolder: vscode.WorkspaceFolder;
  readonly store: PlaylistStore;
}

/** Where a folder's playlists live: the setting, relative to the folder (absolute allowed). */
export function playlistFolderFor(workspaceFolder: vscode.WorkspaceFolder): string {
  const configured = vscode.workspace.getConfiguration('playhead.playlists', workspaceFolder.uri).get<string>('folder', DEFAULT_FOLDER).trim();
  return path.resolve(workspaceFolder.uri.fsPath, configured === '' ? DEFAULT_FOLDER : configured);
}

/**
 * A `PlaylistStore` per (local) workspace folder, rebuilt when folders or the folder setting
 * change, and a file watcher per store so edits made outside Playhead (git pull, a text
 * editor) reach the tree. `onDidChange` fires, debounced, for every change from either side.
 */
export class WorkspacePlaylists extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange: vscode.Event<void> = this.changeEmitter.event;
  /** The stores and watchers of the current folders; cleared on every rebuild. */
  private readonly perRoot = this._register(new DisposableStore());
  private readonly pendingRefresh = this._register(new MutableDisposable());
  private current: PlaylistRoot[] = [];
  private folderWatches: PlaylistFolderWatch[] = [];

  constructor() {
    super();
    this.rebuild();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(FOLDER_SETTING)) this.rebuild();
      }),
    );
  }

  get roots(): readonly PlaylistRoot[] {
    return this.current;
  }

  /** The root of the workspace folder containing `uri` (a folder's own URI included). */
  rootFor(uri: vscode.Uri): PlaylistRoot | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.current.find((root) => root.workspaceFolder.uri.toString() === folder.uri.toString()) : undefined;
  }

  /** Re-read everything (the Refresh button, for file systems whose watchers miss events). */
  refresh(): void {
    this.scheduleRefresh();
  }

  private rebuild(): void {
    this.perRoot.clear();
    this.folderWatches = [];
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    this.current = folders.map((workspaceFolder) => {
      const folder = playlistFolderFor(workspaceFolder);
      const store = this.perRoot.add(new PlaylistStore(folder));
      this.perRoot.add(store.onDidChange(() => this.scheduleRefresh()));
      // Node's own watch besides VS Code's: either one seeing a change is enough.
      this.folderWatches.push(this.perRoot.add(new PlaylistFolderWatch(folder, () => this.scheduleRefresh())));
      const watcher = this.perRoot.add(vscode.workspace.createFileSystemWatcher(watchPattern(workspaceFolder, folder)));
      for (const event of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete]) {
        this.perRoot.add(event(() => this.scheduleRefresh()));
      }
      return { workspaceFolder, store };
    });
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.isDisposed || this.pendingRefresh.value) return;
    this.pendingRefresh.value = disposableTimeout(() => {
      this.pendingRefresh.clear();
      // A playlists folder created since (by us, or seen by VS Code's watcher) gets its watch.
      for (const watch of this.folderWatches) watch.ensure();
      this.changeEmitter.fire();
    }, REFRESH_DELAY_MS);
  }
}

/**
 * Inside the workspace folder the pattern is relative to it, so the workspace's own recursive
 * watcher serves it (and a playlists folder created later is still seen); a folder outside
 * gets a watcher of its own.
 */
function watchPattern(workspaceFolder: vscode.WorkspaceFolder, folder: string): vscode.RelativePattern {
  const relative = path.relative(workspaceFolder.uri.fsPath, folder);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return new vscode.RelativePattern(workspaceFolder, `${relative.split(path.sep).join('/')}/${PLAYLIST_GLOB}`);
  }
  return new vscode.RelativePattern(vscode.Uri.file(folder), PLAYLIST_GLOB);
}
