import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlaylistsInternals, PlaylistsNode, PlayPlaylistResult } from '../../../src/vscode/playlists';
import type { EntryNode, PlaylistNode } from '../../../src/vscode/playlists/nodes';
import { validatePlaylistName } from '../../../src/vscode/playlists/pick';
import { activateExtension, fixtureFolder, waitFor } from './support';

/**
 * Workspace playlists in the real extension host: the commands (with their prompts answered
 * by arguments), and the Playlists view's provider and drag-and-drop controller, called as
 * the workbench calls them.
 */
describe('Playlists in the extension host', () => {
  const workspace = () => process.env.PLAYHEAD_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const playlistFolder = () => path.join(workspace(), '.vscode', 'playlists');
  let music: string;
  let view: PlaylistsInternals;
  const file = (name: string) => vscode.Uri.file(path.join(music, name));

  async function playlistNode(name: string): Promise<PlaylistNode> {
    const top = await view.provider.getChildren();
    const node = top.find((n): n is PlaylistNode => n.kind === 'playlist' && n.info.name === name);
    assert.ok(node, `"${name}" in the tree: ${top.map((n) => (n.kind === 'playlist' ? n.info.name : n.kind)).join(', ')}`);
    return node;
  }

  async function entries(name: string): Promise<EntryNode[]> {
    return (await view.provider.getChildren(await playlistNode(name))) as EntryNode[];
  }

  async function entryFiles(name: string): Promise<string[]> {
    return (await entries(name)).map((e) => path.basename(e.item.path ?? e.item.location));
  }

  /** Waits until the view has had no refresh for `ms` (so the next one is not a late echo). */
  async function quiet(ms: number): Promise<void> {
    let last = Date.now();
    const subscription = view.provider.onDidChangeTreeData(() => (last = Date.now()));
    try {
      await waitFor('the view to settle', () => Date.now() - last >= ms);
    } finally {
      subscription.dispose();
    }
  }

  /**
   * Runs `action` and waits until the view has been told to refresh. The VS Code server's file
   * watcher can miss a change made while it is still starting up on a loaded machine, so the
   * action runs once more if nothing came within 15 s; the watcher must still deliver it.
   */
  async function nextRefresh(action: () => unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let subscription: vscode.Disposable | undefined;
      let timer: NodeJS.Timeout | undefined;
      const fired = new Promise<boolean>((resolve) => {
        subscription = view.provider.onDidChangeTreeData(() => resolve(true));
        timer = setTimeout(() => resolve(false), 15_000);
      });
      await action();
      const refreshed = await fired;
      subscription?.dispose();
      clearTimeout(timer);
      if (refreshed) return;
      // VS Code's file watcher can drop an event on a loaded machine (seen once in about ten
      // runs); a user's next save is picked up, so the test writes again, up to three times.
      if (attempt === 3) throw new Error('the playlist view was not refreshed after three changes on disk (file watcher)');
    }
  }

  before(async () => {
    await activateExtension();
    fs.rmSync(playlistFolder(), { recursive: true, force: true });
    music = fixtureFolder('playlist-music', ['tone-flac16.flac', 'tone-mp3-cbr.mp3', 'tone-wav16.wav', 'tagged.mp3', 'tone-vorbis.ogg']);
    view = await vscode.commands.executeCommand<PlaylistsInternals>('_playhead.playlists.internals');
    assert.ok(view?.provider && view.dragAndDrop, 'the view internals are reachable');
  });

  after(async () => {
    await vscode.commands.executeCommand('playhead.stop');
  });

  it('contributes the view and registers every command it contributes', async () => {
    const contributes = vscode.extensions.getExtension('playhead.playhead')!.packageJSON.contributes as {
      views?: { explorer?: { id: string }[] };
      commands: { command: string }[];
    };
    assert.ok(contributes.views?.explorer?.some((v) => v.id === 'playhead.playlists'), 'views.explorer has playhead.playlists');
    const registered = new Set(await vscode.commands.getCommands(true));
    const ids = contributes.commands.map((c) => c.command).filter((id) => /Playlist/.test(id));
    assert.ok(ids.length >= 6, `playlist commands contributed: ${ids.join(', ')}`);
    for (const id of ids) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('shows nothing (so the welcome view) before the first playlist', async () => {
    assert.deepEqual(await view.provider.getChildren(), []);
  });

  it('validates names in the Create Playlist input box', () => {
    const taken = new Set(['road trip']);
    assert.equal(validatePlaylistName('   ', taken), 'Enter a name');
    assert.match(String(validatePlaylistName('Road Trip', taken)), /already exists/);
    assert.equal(validatePlaylistName('Summer', taken), undefined);
    const replaced = validatePlaylistName('AC/DC', taken) as vscode.InputBoxValidationMessage;
    assert.equal(replaced.severity, vscode.InputBoxValidationSeverity.Info);
    assert.match(replaced.message, /"AC_DC"/);
  });

  it('creates an M3U8 file under .vscode/playlists and lists it', async () => {
    const info = await vscode.commands.executeCommand<{ name: string; path: string }>('playhead.createPlaylist', 'Road Trip');
    assert.equal(info.path, path.join(playlistFolder(), 'Road Trip.m3u8'));
    assert.match(fs.readFileSync(info.path, 'utf8'), /^#EXTM3U/);
    await waitFor('the playlist in the tree', async () => (await view.provider.getChildren()).length === 1);
    const item = view.provider.getTreeItem(await playlistNode('Road Trip'));
    assert.equal(item.label, 'Road Trip');
    assert.equal(item.contextValue, 'playhead.playlist');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  it('adds Explorer files (with their tags) and the whole queue', async () => {
    const added = await vscode.commands.executeCommand<number>('playhead.addToPlaylist', { playlist: 'Road Trip', items: [file('tagged.mp3'), file('tone-flac16.flac')] });
    assert.equal(added, 2);

    // The Explorer menu passes (clicked, selection) and asks which playlist: accept the first.
    let settled = false;
    const fromExplorer = Promise.resolve(vscode.commands.executeCommand<number>('playhead.addToPlaylist', file('tone-wav16.wav'), [file('tone-wav16.wav')])).finally(() => (settled = true));
    // The quick pick opens after the playlists are listed; accepting before that does nothing.
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    assert.equal(await fromExplorer, 1);
    await vscode.commands.executeCommand('playhead.removeFromPlaylist', ...((await entries('Road Trip')).slice(-1) as [EntryNode]));

    const ext = await activateExtension();
    await ext.player.stop();
    ext.player.clear();
    ext.player.add([{ uri: path.join(music, 'tone-mp3-cbr.mp3'), title: 'Cbr', artist: 'Tones', durationMs: 2_000 }, { uri: path.join(music, 'tone-wav16.wav') }]);
    const fromQueue = await vscode.commands.executeCommand<number>('playhead.addToPlaylist', { playlist: 'Road Trip', items: 'queue' });
    assert.equal(fromQueue, 2);

    const text = fs.readFileSync(path.join(playlistFolder(), 'Road Trip.m3u8'), 'utf8');
    assert.match(text, /#EXTINF:[^,]*,Sigur Rós - 夜に駆ける\n\.\.\/\.\.\/playlist-music\/tagged\.mp3\n/, `relative path and non-ASCII tags:\n${text}`);
    assert.match(text, /#EXTINF:2,Tones - Cbr\n\.\.\/\.\.\/playlist-music\/tone-mp3-cbr\.mp3\n/, text);
    assert.deepEqual(await entryFiles('Road Trip'), ['tagged.mp3', 'tone-flac16.flac', 'tone-mp3-cbr.mp3', 'tone-wav16.wav']);
  });

  it('shows entries as "Artist – Title" or the file name, with the duration', async () => {
    const items = (await entries('Road Trip')).map((node) => view.provider.getTreeItem(node));
    assert.equal(items[0]!.label, 'Sigur Rós – 夜に駆ける');
    assert.equal(items[1]!.label, 'tone-flac16', 'no tags: the title the scan took from the file name');
    assert.match(String(items[1]!.description), /^0:0[12]$/, 'FLAC knows its duration (1.5 s)');
    assert.equal(items[2]!.label, 'Tones – Cbr');
    assert.equal(items[2]!.description, '0:02');
    assert.ok(items.every((item) => item.contextValue === 'playhead.playlistEntry'));
    assert.equal(new Set(items.map((item) => item.id)).size, items.length, 'unique ids');
  });

  it('renames the playlist (the file follows)', async () => {
    await vscode.commands.executeCommand('playhead.renamePlaylist', { name: 'Road Trip' }, 'Summer');
    assert.ok(fs.existsSync(path.join(playlistFolder(), 'Summer.m3u8')));
    assert.ok(!fs.existsSync(path.join(playlistFolder(), 'Road Trip.m3u8')));
    await waitFor('the renamed playlist in the tree', async () => (await view.provider.getChildren()).some((n) => n.kind === 'playlist' && n.info.name === 'Summer'));
    assert.equal((await entries('Summer')).length, 4, 'entries kept');
  });

  it('reorders by drag and drop, and adds files dropped from the Explorer', async () => {
    const token = new vscode.CancellationTokenSource().token;
    const drag = async (dragged: readonly PlaylistsNode[], target: PlaylistsNode) => {
      const transfer = new vscode.DataTransfer();
      view.dragAndDrop.handleDrag(dragged, transfer);
      // The workbench also offers tree items as text/uri-list: a reorder must not add them.
      transfer.set('text/uri-list', new vscode.DataTransferItem(file('tone-wav16.wav').toString()));
      await view.dragAndDrop.handleDrop(target, transfer, token);
    };
    let list = await entries('Summer');
    // Down onto the third row: takes its place.
    await drag([list[0]!], list[2]!);
    assert.deepEqual(await entryFiles('Summer'), ['tone-flac16.flac', 'tone-mp3-cbr.mp3', 'tagged.mp3', 'tone-wav16.wav']);
    // Up onto the first row, two at once, kept in their order.
    list = await entries('Summer');
    await drag([list[2]!, list[3]!], list[0]!);
    assert.deepEqual(await entryFiles('Summer'), ['tagged.mp3', 'tone-wav16.wav', 'tone-flac16.flac', 'tone-mp3-cbr.mp3']);

    const fromExplorer = new vscode.DataTransfer();
    fromExplorer.set('text/uri-list', new vscode.DataTransferItem(`${file('tone-vorbis.ogg').toString()}\r\n`));
    await view.dragAndDrop.handleDrop(await playlistNode('Summer'), fromExplorer, token);
    assert.deepEqual(await entryFiles('Summer'), ['tagged.mp3', 'tone-wav16.wav', 'tone-flac16.flac', 'tone-mp3-cbr.mp3', 'tone-vorbis.ogg']);
  });

  it('shows a missing file as missing, and Play Playlist skips it', async () => {
    fs.rmSync(path.join(music, 'tone-flac16.flac'));
    const list = await entries('Summer');
    assert.equal(list.length, 5, 'the missing entry is not dropped');
    const missing = view.provider.getTreeItem(list[2]!);
    assert.equal(missing.description, 'missing');
    assert.equal(missing.contextValue, 'playhead.playlistEntry.missing');
    assert.equal((missing.iconPath as vscode.ThemeIcon).id, 'warning');

    const ext = await activateExtension();
    const result = await vscode.commands.executeCommand<PlayPlaylistResult>('playhead.playPlaylist', await playlistNode('Summer'));
    assert.deepEqual(result, { queued: 4, skipped: 1 });
    assert.deepEqual(
      ext.player.getQueue().map((item) => path.basename(item.track.uri)),
      ['tagged.mp3', 'tone-wav16.wav', 'tone-mp3-cbr.mp3', 'tone-vorbis.ogg'],
    );
    assert.equal(ext.player.getQueue()[0]!.track.artist, 'Sigur Rós');
    await waitFor('playing the first entry', () => ext.player.snapshot.state === 'playing' && ext.player.snapshot.queueIndex === 0);
    await ext.player.stop();
  });

  it('picks up an external edit of the file', async () => {
    const filePath = path.join(playlistFolder(), 'Summer.m3u8');
    // Let the refreshes of the previous edits pass, so the one awaited is the watcher's.
    await quiet(750);
    await nextRefresh(() => fs.writeFileSync(filePath, '#EXTM3U\n#EXTINF:2,Edited - Elsewhere\n../../playlist-music/tone-wav16.wav\n'));
    const list = await entries('Summer');
    assert.equal(list.length, 1);
    assert.equal(view.provider.getTreeItem(list[0]!).label, 'Edited – Elsewhere');

    // A playlist file that appears from outside (e.g. a git pull) is listed too.
    await quiet(750);
    await nextRefresh(() => fs.writeFileSync(path.join(playlistFolder(), 'Pulled.m3u'), '../../playlist-music/tone-mp3-cbr.mp3\n'));
    const pulled = view.provider.getTreeItem(await playlistNode('Pulled'));
    assert.equal(pulled.description, 'M3U');
  });

  it('removes entries from the tree item menu, never the wrong ones', async () => {
    await vscode.commands.executeCommand('playhead.addToPlaylist', { playlist: 'Summer', items: [file('tone-mp3-cbr.mp3'), file('tagged.mp3')] });
    const list = await entries('Summer');
    assert.equal(list.length, 3);
    const removed = await vscode.commands.executeCommand<number>('playhead.removeFromPlaylist', list[0]!, [list[0]!, list[2]!]);
    assert.equal(removed, 2);
    assert.deepEqual(await entryFiles('Summer'), ['tone-mp3-cbr.mp3']);

    // A row drawn before an external edit moved the entries: nothing is removed.
    const stale = (await entries('Summer'))[0]!;
    const filePath = path.join(playlistFolder(), 'Summer.m3u8');
    const edited = '#EXTM3U\n../../playlist-music/tone-wav16.wav\n../../playlist-music/tone-mp3-cbr.mp3\n';
    fs.writeFileSync(filePath, edited);
    assert.equal(await vscode.commands.executeCommand<number>('playhead.removeFromPlaylist', stale, [stale]), 0);
    assert.equal(fs.readFileSync(filePath, 'utf8'), edited);
  });

  it('deletes playlists (confirmation answered by the argument)', async () => {
    assert.equal(await vscode.commands.executeCommand('playhead.deletePlaylist', 'Summer', { confirm: false }), true);
    assert.equal(await vscode.commands.executeCommand('playhead.deletePlaylist', await playlistNode('Pulled'), { confirm: false }), true);
    assert.deepEqual(fs.readdirSync(playlistFolder()), []);
    await waitFor('an empty tree', async () => (await view.provider.getChildren()).length === 0);
  });
  it('honours the playhead.playlists.folder setting (and watches the new folder)', async () => {
    const config = () => vscode.workspace.getConfiguration('playhead.playlists', vscode.workspace.workspaceFolders![0]!.uri);
    const elsewhere = path.join(workspace(), 'music-lists');
    await config().update('folder', 'music-lists', vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await waitFor('the setting', () => config().get('folder') === 'music-lists');
      const info = await vscode.commands.executeCommand<{ path: string }>('playhead.createPlaylist', 'Elsewhere');
      assert.equal(info.path, path.join(elsewhere, 'Elsewhere.m3u8'));
      await playlistNode('Elsewhere');
      await quiet(750);
      await nextRefresh(() => fs.writeFileSync(path.join(elsewhere, 'Dropped In.m3u8'), '#EXTM3U\n'));
      await playlistNode('Dropped In');
    } finally {
      await config().update('folder', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    await waitFor('the default folder again (empty)', async () => (await view.provider.getChildren()).length === 0);
  });
});
