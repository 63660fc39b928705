import * as vscode from 'vscode';
import { DisposableStore, type IDisposable } from '../../base/lifecycle';
import type { PlaylistInfo } from '../../library';
import type { Player } from '../../player';
import { addFilesToPlaylist } from './add-files';
import { isNode, type EntryNode, type PlaylistRef } from './nodes';
import { askPlaylistName, pickPlaylist, pickRoot, resolvePlaylist, type PlaylistArg } from './pick';
import { indicesIfCurrent } from './stale-guard';
import { inputForTrack, trackForItem } from './tracks';
import type { WorkspacePlaylists } from './workspace-playlists';

/** What Add to Playlist adds: the current track, the whole queue, or files and folders. */
export type AddSource = 'current' | 'queue' | readonly vscode.Uri[];

/** Arguments for calls from code, tests and keybindings (menus pass tree nodes or URIs). */
export interface AddToPlaylistArgs {
  readonly playlist?: string;
  readonly workspaceFolder?: vscode.Uri;
  readonly items?: AddSource;
}

export interface PlayPlaylistResult {
  readonly queued: number;
  readonly skipped: number;
}

interface Deps {
  readonly playlists: WorkspacePlaylists;
  readonly player: Player;
  readonly log: vscode.LogOutputChannel;
}

/**
 * The playlist commands. Each accepts optional arguments (as VS Code's own commands do) so
 * menus, keybindings and tests can skip the prompts; without them it asks.
 */
export function registerPlaylistCommands(deps: Deps): IDisposable {
  const commands = new DisposableStore();
  const register = (id: string, handler: (...args: never[]) => unknown) =>
    commands.add(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          deps.log.error(`${id} failed: ${message}`);
          void vscode.window.showErrorMessage(`Playhead: ${message}`);
          return undefined;
        }
      }),
    );
  const { playlists } = deps;

  register('playhead.createPlaylist', async (arg?: unknown) => (await createPlaylist(deps, arg))?.info);
  register('playhead.addToPlaylist', (first?: unknown, second?: unknown) => addToPlaylist(deps, first, second));
  register('playhead.removeFromPlaylist', (clicked?: EntryNode, selection?: EntryNode[]) => removeFromPlaylist(clicked, selection));
  register('playhead.renamePlaylist', async (arg?: PlaylistArg, newName?: string) => {
    const ref = await resolvePlaylist(playlists, arg, 'Rename which playlist?');
    if (!ref) return undefined;
    const name = newName ?? (await askPlaylistName(ref.root, { title: `Rename "${ref.name}"`, value: ref.name, current: ref.name }));
    return name === undefined ? undefined : ref.root.store.rename(ref.name, name);
  });
  register('playhead.deletePlaylist', async (arg?: PlaylistArg, options?: { confirm?: boolean }) => {
    const ref = await resolvePlaylist(playlists, arg, 'Delete which playlist?');
    if (!ref) return false;
    if (options?.confirm !== false) {
      const choice = await vscode.window.showWarningMessage(
        `Delete the playlist "${ref.name}"?`,
        { modal: true, detail: 'The playlist file is deleted; the music files it lists are not touched.' },
        'Delete',
      );
      if (choice !== 'Delete') return false;
    }
    await ref.root.store.delete(ref.name);
    deps.log.info(`deleted playlist "${ref.name}"`);
    return true;
  });
  register('playhead.playPlaylist', async (arg?: PlaylistArg) => {
    const ref = await resolvePlaylist(playlists, arg, 'Play which playlist?');
    return ref ? playPlaylist(deps, ref) : undefined;
  });
  register('playhead.refreshPlaylists', () => playlists.refresh());
  return commands;
}

async function createPlaylist(deps: Deps, arg: unknown): Promise<{ ref: PlaylistRef; info: PlaylistInfo } | undefined> {
  // From a folder group's menu: that folder; `{ name, workspaceFolder }` or a name from code.
  const folderArg = isNode(arg) && arg.kind === 'folder' ? arg.root.workspaceFolder.uri : (arg as { workspaceFolder?: unknown } | undefined)?.workspaceFolder;
  const root = await pickRoot(deps.playlists, folderArg instanceof vscode.Uri ? folderArg : undefined);
  if (!root) return undefined;
  const given = typeof arg === 'string' ? arg : (arg as { name?: unknown } | undefined)?.name;
  const name = typeof given === 'string' ? given : await askPlaylistName(root, { title: 'Playhead: Create Playlist' });
  if (name === undefined) return undefined;
  const info = await root.store.create(name);
  deps.log.info(`created playlist "${info.name}" (${info.path})`);
  return { ref: { root, name: info.name }, info };
}

/**
 * Explorer menu: (clicked, selection) — asks for the playlist, adds the files. Tree menu on a
 * playlist: asks what to add. `AddToPlaylistArgs`: asks only for what is not given.
 */
async function addToPlaylist(deps: Deps, first: unknown, second: unknown): Promise<number> {
  let ref: PlaylistRef | undefined;
  let source: AddSource | undefined;
  if (first instanceof vscode.Uri) {
    source = Array.isArray(second) && second.length > 0 ? (second as vscode.Uri[]) : [first];
  } else if (isNode(first)) {
    ref = await resolvePlaylist(deps.playlists, first, '');
    if (!ref) return 0;
  } else if (typeof first === 'object' && first !== null) {
    const args = first as AddToPlaylistArgs;
    source = args.items;
    if (args.playlist !== undefined) {
      ref = await resolvePlaylist(deps.playlists, { name: args.playlist, workspaceFolder: args.workspaceFolder }, '');
      if (!ref) return 0;
    }
  }
  source ??= await pickSource(deps.player);
  if (source === undefined) return 0;
  if (!ref) {
    const picked = await pickPlaylist(deps.playlists, 'Add to which playlist?', { allowCreate: true });
    if (picked === 'create') {
      ref = (await createPlaylist(deps, undefined))?.ref;
    } else {
      ref = picked;
    }
    if (!ref) return 0;
  }
  if (Array.isArray(source)) return addFilesToPlaylist(ref, source as readonly vscode.Uri[], deps.log);
  const tracks = source === 'current' ? [deps.player.snapshot.track].filter((t) => t !== undefined) : deps.player.getQueue().map((item) => item.track);
  if (tracks.length === 0) {
    void vscode.window.showInformationMessage(source === 'current' ? 'Playhead is not playing anything to add.' : 'The Playhead queue is empty.');
    return 0;
  }
  await ref.root.store.add(ref.name, tracks.map(inputForTrack));
  deps.log.info(`playlist "${ref.name}": added ${tracks.length} track${tracks.length === 1 ? '' : 's'} from the ${source === 'current' ? 'player' : 'queue'}`);
  return tracks.length;
}

async function pickSource(player: Player): Promise<AddSource | undefined> {
  interface SourcePick extends vscode.QuickPickItem {
    readonly source: 'current' | 'queue' | 'files';
  }
  const current = player.snapshot.track;
  const queueLength = player.snapshot.queueLength;
  const items: SourcePick[] = [
    ...(current ? [{ label: '$(play) Current Track', description: current.title ?? current.uri, source: 'current' as const }] : []),
    ...(queueLength > 0 ? [{ label: '$(list-ordered) The Queue', description: `${queueLength} track${queueLength === 1 ? '' : 's'}`, source: 'queue' as const }] : []),
    { label: '$(file-media) Files or Folders…', source: 'files' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Playhead: Add to Playlist', placeHolder: 'Add what?' });
  if (!picked) return undefined;
  if (picked.source !== 'files') return picked.source;
  const uris = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: 'Add to Playlist',
  });
  return uris && uris.length > 0 ? uris : undefined;
}

/** Tree menu: the clicked entry, or the whole selection when the click was part of it. */
async function removeFromPlaylist(clicked: EntryNode | undefined, selection: EntryNode[] | undefined): Promise<number> {
  const nodes = (selection && clicked && selection.includes(clicked) ? selection : clicked ? [clicked] : []).filter((n) => isNode(n) && n.kind === 'entry');
  const byPlaylist = new Map<string, EntryNode[]>();
  for (const node of nodes) {
    const group = byPlaylist.get(node.playlist.info.path) ?? [];
    group.push(node);
    byPlaylist.set(node.playlist.info.path, group);
  }
  for (const group of byPlaylist.values()) {
    const playlist = group[0]!.playlist;
    const indices = await indicesIfCurrent(playlist, group);
    if (!indices) return 0;
    await playlist.root.store.remove(playlist.info.name, indices);
  }
  return nodes.length;
}

/** Replace the queue with the playlist and play; missing files are skipped (and logged). */
async function playPlaylist(deps: Deps, ref: PlaylistRef): Promise<PlayPlaylistResult> {
  const items = await ref.root.store.read(ref.name);
  const missing = items.filter((item) => item.missing);
  if (missing.length > 0) {
    deps.log.info(`playlist "${ref.name}": skipped ${missing.length} missing file${missing.length === 1 ? '' : 's'}: ${missing.map((m) => m.path ?? m.location).join(', ')}`);
  }
  const tracks = items.filter((item) => !item.missing).map(trackForItem);
  if (tracks.length === 0) {
    void vscode.window.showWarningMessage(`The playlist "${ref.name}" has nothing to play${missing.length > 0 ? ' (its files are missing)' : ''}.`);
    return { queued: 0, skipped: missing.length };
  }
  const result = await deps.player.replaceAndPlay(tracks);
  if (!result.ok) deps.log.warn(`playlist "${ref.name}": could not start playback: ${result.message}`);
  deps.log.info(`playing playlist "${ref.name}": ${tracks.length} track${tracks.length === 1 ? '' : 's'}`);
  return { queued: tracks.length, skipped: missing.length };
}
