import * as assert from 'node:assert/strict';
import { parsePlaylist } from '../../../src/library/playlists/playlist-file';
import { NetError } from '../../../src/net/errors';
import { fetchRemotePlaylist, looksLikePlaylistUrl } from '../../../src/net/remote-playlist';
import { TestServer, fast, serveBytes } from './server';

describe('net: playlists with URLs', () => {
  it('PLS and M3U files of URLs give those URLs, as written', () => {
    const pls = '[playlist]\nFile1=http://127.0.0.1:8000/stream.mp3\nTitle1=Radio One\nLength1=-1\nFile2=https://127.0.0.1/b.ogg?x=1&y=2\nNumberOfEntries=2\n';
    assert.deepEqual(
      parsePlaylist(Buffer.from(pls), '/lists/radio.pls').map((e) => e.url),
      ['http://127.0.0.1:8000/stream.mp3', 'https://127.0.0.1/b.ogg?x=1&y=2'],
    );
    const m3u = '#EXTM3U\n#EXTINF:-1,Radio Two\nhttp://127.0.0.1:8000/two\nhttps://127.0.0.1/three.flac\n';
    const entries = parsePlaylist(Buffer.from(m3u), '/lists/radio.m3u8');
    assert.deepEqual(entries.map((e) => e.url), ['http://127.0.0.1:8000/two', 'https://127.0.0.1/three.flac']);
    assert.equal(entries[0]!.title, 'Radio Two');
    assert.ok(entries.every((e) => e.path === undefined));
  });

  describe('fetched from a server', () => {
    let server: TestServer;
    beforeEach(async () => (server = await TestServer.start()));
    afterEach(() => server.close());

    it('follows a station link to a PLS or M3U and resolves relative entries against its URL', async () => {
      server.route('/station.pls', serveBytes(Buffer.from(`[playlist]\nFile1=${server.url('/live')}\nFile2=backup.mp3\n`), { contentType: 'audio/x-scpls' }));
      server.route('/list', serveBytes(Buffer.from('#EXTM3U\n#EXTINF:-1,Relative\nstreams/a.mp3\n'), { contentType: 'audio/x-mpegurl' }));
      assert.equal(looksLikePlaylistUrl(server.url('/station.pls')), true);
      assert.equal(looksLikePlaylistUrl(server.url('/live.mp3')), false);
      const pls = await fetchRemotePlaylist(server.url('/station.pls'), fast);
      assert.deepEqual(pls.map((e) => e.url), [server.url('/live'), server.url('/backup.mp3')]);
      const m3u = await fetchRemotePlaylist(server.url('/list'), fast);
      assert.deepEqual(m3u.map((e) => [e.url, e.title]), [[server.url('/streams/a.mp3'), 'Relative']]);
    });

    it('refuses HLS playlists clearly', async () => {
      server.route('/hls.m3u8', serveBytes(Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:10\nseg1.ts\n'), { contentType: 'application/vnd.apple.mpegurl' }));
      await assert.rejects(fetchRemotePlaylist(server.url('/hls.m3u8'), fast), (e) => e instanceof NetError && /HLS/.test(e.message));
    });
  });
});
