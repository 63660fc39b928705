import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatM3u, parseM3u } from '../../../src/library/playlists/m3u';
import { locationFor, resolveLocation } from '../../../src/library/playlists/locations';
import { sanitizePlaylistName } from '../../../src/library/playlists/names';
import { parsePlaylist, readPlaylistFile, writePlaylistFile } from '../../../src/library/playlists/playlist-file';
import { formatPls, parsePls } from '../../../src/library/playlists/pls';
import type { PlaylistEntry } from '../../../src/library/playlists/entry';
import { useTempDir } from './helpers';

describe('library/playlists: files', () => {
  const tmp = useTempDir();

  it('round-trips M3U8 exactly: non-ASCII names, relative and absolute paths, URLs, directives', async () => {
    const dir = path.join(tmp.path, '.vscode', 'playlists');
    const file = path.join(dir, 'Mix «été».m3u8');
    const outside = path.resolve(tmp.path, '..', 'elsewhere', 'Åsa - Vår.flac');
    const entries: PlaylistEntry[] = [
      { location: '../../Music/Björk/01 - Jóga.mp3', path: path.join(tmp.path, 'Music', 'Björk', '01 - Jóga.mp3'), duration: 305, title: 'Björk - Jóga' },
      { location: '../../Music/夜に駆ける.ogg', path: path.join(tmp.path, 'Music', '夜に駆ける.ogg'), title: 'YOASOBI - 夜に駆ける' },
      { location: 'https://radio.example.com/live.mp3?x=1,2', url: 'https://radio.example.com/live.mp3?x=1,2', duration: 0, title: 'Radio, live' },
      { location: outside, path: outside, duration: 61, directives: ['#EXTGRP:Favourites'] },
      { location: '../../Music/untitled.wav', path: path.join(tmp.path, 'Music', 'untitled.wav') },
    ];
    await writePlaylistFile(file, entries);
    assert.deepEqual(await readPlaylistFile(file), entries);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('#EXTM3U\n#EXTINF:305,Björk - Jóga\n../../Music/Björk/01 - Jóga.mp3\n'), text);
    assert.ok(text.includes('#EXTINF:-1,YOASOBI - 夜に駆ける\n'));
    // Written again from what was read: byte-identical.
    await writePlaylistFile(file, await readPlaylistFile(file));
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('writes paths relative to the playlist where possible, absolute across Windows drives', () => {
    assert.equal(locationFor('/w/Music/a.mp3', '/w/.vscode/playlists', path.posix), '../../Music/a.mp3');
    assert.equal(locationFor('C:\\w\\Music\\a.mp3', 'C:\\w\\.vscode\\playlists', path.win32), '../../Music/a.mp3');
    assert.equal(locationFor('D:\\Music\\a.mp3', 'C:\\w\\.vscode\\playlists', path.win32), 'D:\\Music\\a.mp3');
    assert.deepEqual(resolveLocation('..\\Music\\a.mp3', '/w/lists', path.posix), { path: '/w/Music/a.mp3' });
    assert.deepEqual(resolveLocation('file:///w/My%20Music/a.mp3', '/x', path.posix), { path: '/w/My Music/a.mp3' });
    assert.deepEqual(resolveLocation('http://h/a.mp3', '/x', path.posix), { url: 'http://h/a.mp3' });
  });

  it('reads plain and extended M3U with CRLF, BOM, attributes and Latin-1 fallback', () => {
    const dir = path.join(tmp.path, 'lists');
    const latin1 = Buffer.from('#EXTM3U\r\n#EXTINF:12 tvg-name="a,b",Caf\xe9 - D\xe9j\xe0 vu\r\nM\xfasica/canci\xf3n.mp3\r\n', 'latin1');
    assert.deepEqual(parsePlaylist(latin1, path.join(dir, 'old.m3u')), [
      { location: 'Música/canción.mp3', path: path.join(dir, 'Música', 'canción.mp3'), duration: 12, title: 'Café - Déjà vu' },
    ]);
    const utf8WithBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a.mp3\n\n  b.mp3  \n', 'utf8')]);
    assert.deepEqual(
      parsePlaylist(utf8WithBom, path.join(dir, 'plain.m3u')).map((e) => e.location),
      ['a.mp3', 'b.mp3'],
    );
    // .m3u8 is UTF-8 by definition: no Latin-1 guessing.
    assert.ok(parsePlaylist(Buffer.from('caf\xe9.mp3\n', 'latin1'), path.join(dir, 'x.m3u8'))[0]!.location.includes('\ufffd'));
  });

  it('reads PLS, ordering by entry number, and round-trips it', () => {
    const dir = '/lists';
    const text = '[playlist]\nNumberOfEntries=3\nFile2=http://stream.example/x\nTitle2=Stream\nLength2=-1\nfile1=Música/a.mp3\nTITLE1=Ärtist - Title\nLength1=200\nFile3=/abs/b.flac\nVersion=2\n';
    const entries = parsePls(text, dir);
    assert.deepEqual(entries, [
      { location: 'Música/a.mp3', path: path.resolve(dir, 'Música/a.mp3'), duration: 200, title: 'Ärtist - Title' },
      { location: 'http://stream.example/x', url: 'http://stream.example/x', title: 'Stream' },
      { location: '/abs/b.flac', path: path.resolve('/abs/b.flac') },
    ]);
    assert.deepEqual(parsePls(formatPls(entries), dir), entries);
    // Found by the property test: U+2028 is not a line break for M3U/PLS, but `.` in a
    // RegExp would not match it.
    const odd = [{ location: 'a.mp3', path: path.resolve(dir, 'a.mp3'), title: 'line\u2028separator' }];
    assert.deepEqual(parsePls(formatPls(odd), dir), odd);
    assert.deepEqual(parseM3u(formatM3u(odd), dir), odd);
  });

  it('keeps one entry per line even when a title contains line breaks', () => {
    const text = formatM3u([{ location: 'a.mp3', title: 'two\nlines' }]);
    assert.deepEqual(parseM3u(text, '/'), [{ location: 'a.mp3', path: path.resolve('/a.mp3'), title: 'two lines' }]);
  });

  it('sanitises playlist names for every file system', () => {
    assert.equal(sanitizePlaylistName('  Road trip: 2024/25?  '), 'Road trip_ 2024_25_');
    assert.equal(sanitizePlaylistName('Été «mix» 夜'), 'Été «mix» 夜');
    assert.equal(sanitizePlaylistName('CON'), '_CON');
    assert.equal(sanitizePlaylistName('...hidden...'), 'hidden');
    assert.equal(sanitizePlaylistName('a\u0000b\tc'), 'a_b_c');
    assert.equal(sanitizePlaylistName(' . '), '');
    const long = sanitizePlaylistName('ü'.repeat(300));
    assert.ok(Buffer.byteLength(long) <= 200 && long.length === 100);
  });

  it('reads a playlist written by another program byte for byte', () => {
    const file = path.join(tmp.path, 'ext.m3u8');
    writeFileSync(file, '#EXTM3U\n#EXTINF:100,A - B\nsub/a.mp3\n');
    assert.deepEqual(parsePlaylist(readFileSync(file), file), [
      { location: 'sub/a.mp3', path: path.join(tmp.path, 'sub', 'a.mp3'), duration: 100, title: 'A - B' },
    ]);
  });
});
