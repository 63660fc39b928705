import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultPlaylistFolder, moveEntries, PlaylistError, PlaylistStore, type PlaylistChange } from '../../../src/library/playlists/store';
import { playlistInputFor } from '../../../src/library/playlists/entry';
import { useTempDir, writeTree } from './helpers';

describe('library/playlists: PlaylistStore', () => {
  const tmp = useTempDir();
  let store: PlaylistStore;
  let music: string;
  let changes: PlaylistChange[];

  beforeEach(() => {
    music = path.join(tmp.path, 'Music');
    writeTree(music, { 'Björk/01 - Jóga.mp3': 'x', 'b.flac': 'x', 'c.ogg': 'x', 'd.wav': 'x' });
    store = new PlaylistStore(defaultPlaylistFolder(tmp.path));
    changes = [];
    store.onDidChange((c) => changes.push(c));
  });
  afterEach(() => store.dispose());

  const track = (name: string, extra: { artist?: string; title?: string; duration?: number } = {}) => ({ path: path.join(music, name), ...extra });

  it('lists nothing before the folder exists, then creates M3U8 files under .vscode/playlists', async () => {
    assert.deepEqual(await store.list(), []);
    const info = await store.create('Road trip: «été»', [track('Björk/01 - Jóga.mp3', { artist: 'Björk', title: 'Jóga', duration: 305.4 })]);
    assert.equal(info.name, 'Road trip_ «été»');
    assert.equal(info.path, path.join(tmp.path, '.vscode', 'playlists', 'Road trip_ «été».m3u8'));
    assert.equal(readFileSync(info.path, 'utf8'), '#EXTM3U\n#EXTINF:305,Björk - Jóga\n../../Music/Björk/01 - Jóga.mp3\n');
    await assert.rejects(store.create('Road trip: «été»'), PlaylistError);
    await assert.rejects(store.create('///'.replace(/\//g, '.')), PlaylistError);
    assert.deepEqual(changes, [{ kind: 'created', name: 'Road trip_ «été»' }]);
  });

  it('adds, inserts, removes and moves entries, keeping each change on disk', async () => {
    await store.create('Mix');
    await store.add('Mix', [track('b.flac'), track('c.ogg')]);
    await store.add('Mix', [track('Björk/01 - Jóga.mp3')], 0);
    await store.add('Mix', [{ url: 'https://radio.example/live', title: 'Radio' }]);
    const names = async () => (await store.read('Mix')).map((e) => e.url ?? path.relative(music, e.path!));
    assert.deepEqual(await names(), [path.join('Björk', '01 - Jóga.mp3'), 'b.flac', 'c.ogg', 'https://radio.example/live']);
    await store.move('Mix', [2, 3], 0);
    assert.deepEqual(await names(), ['c.ogg', 'https://radio.example/live', path.join('Björk', '01 - Jóga.mp3'), 'b.flac']);
    await store.move('Mix', [0], 4);
    assert.deepEqual(await names(), ['https://radio.example/live', path.join('Björk', '01 - Jóga.mp3'), 'b.flac', 'c.ogg']);
    await store.remove('Mix', [0, 2]);
    assert.deepEqual(await names(), [path.join('Björk', '01 - Jóga.mp3'), 'c.ogg']);
    // A fresh store over the same folder sees the same thing: it is all in the file.
    const again = new PlaylistStore(store.folder);
    assert.deepEqual(await again.read('Mix'), await store.read('Mix'));
    again.dispose();
    assert.equal(changes.filter((c) => c.kind === 'changed').length, 6);
  });

  it('serialises concurrent edits so none is lost', async () => {
    await store.create('Busy');
    await Promise.all(['b.flac', 'c.ogg', 'd.wav', 'b.flac', 'c.ogg'].map((n) => store.add('Busy', [track(n)])));
    assert.equal((await store.read('Busy')).length, 5);
  });

  it('flags missing files instead of dropping them', async () => {
    await store.create('Gone', [track('b.flac'), track('c.ogg'), { url: 'http://x/y' }]);
    rmSync(path.join(music, 'c.ogg'));
    const items = await store.read('Gone');
    assert.deepEqual(items.map((i) => i.missing), [false, true, false]);
    assert.equal(items.length, 3);
    // Editing the playlist keeps the missing entry too.
    await store.add('Gone', [track('d.wav')]);
    assert.deepEqual((await store.read('Gone')).map((i) => i.missing), [false, true, false, false]);
  });

  it('renames and deletes, keeping relative entries valid', async () => {
    await store.create('Old', [track('b.flac')]);
    await store.create('Other');
    await assert.rejects(store.rename('Old', 'Other'), /already exists/);
    const renamed = await store.rename('Old', 'Nouveau nom');
    assert.equal(path.basename(renamed.path), 'Nouveau nom.m3u8');
    assert.deepEqual((await store.read('Nouveau nom')).map((e) => e.missing), [false]);
    await store.delete('Nouveau nom');
    await assert.rejects(store.read('Nouveau nom'), /no playlist named/);
    assert.deepEqual((await store.list()).map((p) => p.name), ['Other']);
    assert.deepEqual(changes.slice(-2), [
      { kind: 'renamed', name: 'Nouveau nom', oldName: 'Old' },
      { kind: 'deleted', name: 'Nouveau nom' },
    ]);
  });

  it('lists and edits M3U and PLS files in their own format, and ignores other files', async () => {
    writeTree(store.folder, {
      'legacy.m3u': Buffer.from('../../Music/b.flac\r\n', 'latin1'),
      'radio.pls': '[playlist]\nFile1=http://stream/x\nTitle1=Stream\nNumberOfEntries=1\n',
      'notes.txt': 'x',
      '.Mix.m3u8.123.tmp': 'x',
      'Playlist 10.m3u8': '#EXTM3U\n',
      'Playlist 9.m3u8': '#EXTM3U\n',
    });
    assert.deepEqual(
      (await store.list()).map((p) => [p.name, p.format]),
      [
        ['legacy', 'm3u'],
        ['Playlist 9', 'm3u8'],
        ['Playlist 10', 'm3u8'],
        ['radio', 'pls'],
      ],
    );
    await store.add('radio', [{ url: 'http://stream/y', title: 'Other' }]);
    const pls = readFileSync(path.join(store.folder, 'radio.pls'), 'utf8');
    assert.match(pls, /^\[playlist\]\nFile1=http:\/\/stream\/x\nTitle1=Stream\nLength1=-1\nFile2=http:\/\/stream\/y\nTitle2=Other\n/);
    await store.add('legacy', [track('c.ogg')]);
    assert.deepEqual((await store.read('legacy')).map((e) => path.basename(e.path!)), ['b.flac', 'c.ogg']);
    assert.ok(!readdirSync(store.folder).some((n) => n.endsWith('.tmp') && n !== '.Mix.m3u8.123.tmp'));
  });

  it('picks up external edits between its own edits', async () => {
    const info = await store.create('Shared', [track('b.flac')]);
    writeFileSync(info.path, `${readFileSync(info.path, 'utf8')}../../Music/d.wav\n`);
    await store.add('Shared', [track('c.ogg')]);
    assert.deepEqual((await store.read('Shared')).map((e) => path.basename(e.path!)), ['b.flac', 'd.wav', 'c.ogg']);
    assert.ok(existsSync(info.path));
  });

  it('records a scanned track with its tags as "Artist - Title" and its duration', async () => {
    await store.create('From scan', [
      playlistInputFor({ path: path.join(music, 'b.flac'), tags: { title: 'Tïtle', artist: 'Ärtist', duration: 61.6 } }),
      playlistInputFor({ path: path.join(music, 'c.ogg'), tags: {} }),
    ]);
    const text = readFileSync(path.join(store.folder, 'From scan.m3u8'), 'utf8');
    assert.equal(text, '#EXTM3U\n#EXTINF:62,Ärtist - Tïtle\n../../Music/b.flac\n#EXTINF:-1,c\n../../Music/c.ogg\n');
  });

  it('keeps a file whose name starts with # (a comment marker in M3U)', async () => {
    writeTree(music, { '#1 Hit.mp3': 'x' });
    await store.create('Hash', [track('#1 Hit.mp3')]);
    assert.deepEqual((await store.read('Hash')).map((i) => i.location), ['../../Music/#1 Hit.mp3']);
    // A playlist next to the file: the relative path would start with '#'.
    const beside = new PlaylistStore(music);
    await beside.create('Beside', [track('#1 Hit.mp3')]);
    assert.equal(readFileSync(path.join(music, 'Beside.m3u8'), 'utf8'), '#EXTM3U\n#EXTINF:-1,#1 Hit\n./#1 Hit.mp3\n');
    const items = await beside.read('Beside');
    assert.deepEqual(items.map((i) => [i.location, i.path, i.missing]), [['./#1 Hit.mp3', path.join(music, '#1 Hit.mp3'), false]]);
    beside.dispose();
  });

  it('moves multi-selections the way drag and drop means', () => {
    const list = ['a', 'b', 'c', 'd', 'e'];
    assert.deepEqual(moveEntries(list, [0], 2), ['b', 'a', 'c', 'd', 'e']);
    assert.deepEqual(moveEntries(list, [4], 0), ['e', 'a', 'b', 'c', 'd']);
    assert.deepEqual(moveEntries(list, [1, 3], 5), ['a', 'c', 'e', 'b', 'd']);
    assert.deepEqual(moveEntries(list, [3, 1], 1), ['a', 'b', 'd', 'c', 'e']);
    assert.deepEqual(moveEntries(list, [2], 2), list);
    assert.deepEqual(moveEntries(list, [9], 0), list);
  });
});
