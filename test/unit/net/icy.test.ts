import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { IcyDemuxer, parseStreamTitle } from '../../../src/net/icy';
import { openHttpSource } from '../../../src/net/http-source';
import type { NetworkSource } from '../../../src/net/types';
import { TestServer, fast, icyStream, readAll, testBytes } from './server';

const meta = (title: string, encoding: BufferEncoding = 'utf8') => Buffer.from(`StreamTitle='${title}';StreamUrl='';`, encoding);

describe('net/icy', () => {
  it('parses StreamTitle, quotes inside titles, UTF-8 and Latin-1', () => {
    assert.equal(parseStreamTitle(meta('Artist - Song')), 'Artist - Song');
    assert.equal(parseStreamTitle(meta("Guns N' Roses - Don't Cry")), "Guns N' Roses - Don't Cry");
    assert.equal(parseStreamTitle(meta('Sigur Rós - Hoppípolla')), 'Sigur Rós - Hoppípolla');
    assert.equal(parseStreamTitle(meta('Björk - Jóga', 'latin1')), 'Björk - Jóga');
    assert.equal(parseStreamTitle(Buffer.concat([Buffer.from("StreamTitle='Only';"), Buffer.alloc(13)])), 'Only');
    assert.equal(parseStreamTitle(Buffer.from("StreamUrl='x';")), undefined);
  });

  it('strips metadata split across any chunk boundaries', () => {
    const audio = testBytes(50_000, 21);
    const stream = icyStream(audio, 1000, (b) => (b % 7 === 3 ? meta(`title ${b}`) : undefined));
    for (const step of [1, 7, 999, 1001, 4096]) {
      const titles: string[] = [];
      const demuxer = new IcyDemuxer(1000, (t) => titles.push(t));
      const out: Buffer[] = [];
      for (let p = 0; p < stream.length; p += step) out.push(Buffer.from(demuxer.push(stream.subarray(p, p + step))));
      assert.ok(Buffer.concat(out).equals(audio), `step ${step}`);
      assert.deepEqual(titles.slice(0, 3), ['title 3', 'title 10', 'title 17']);
    }
  });

  describe('over HTTP', () => {
    let server: TestServer;
    let source: NetworkSource | undefined;
    beforeEach(async () => (server = await TestServer.start()));
    afterEach(async () => {
      source?.dispose();
      await server.close();
    });

    it('emits the titles of a stream in order, and the audio arrives without the metadata', async () => {
      const audio = testBytes(400_000, 22);
      const titles = ['Artist A - First', 'Artist A - First', 'Sigur Rós - Hoppípolla', "Guns N' Roses - Don't Cry"];
      const latin1 = meta('Björk - Jóga', 'latin1');
      const stream = icyStream(audio, 8192, (b) => (b === 0 ? meta(titles[0]!) : b === 10 ? meta(titles[1]!) : b === 20 ? meta(titles[2]!) : b === 30 ? meta(titles[3]!) : b === 40 ? latin1 : undefined));
      server.route('/radio', (req, res) => {
        const wantsMeta = req.headers['icy-metadata'] === '1';
        res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'icy-name': 'Test FM', ...(wantsMeta ? { 'icy-metaint': '8192' } : {}) });
        // Trickled in uneven pieces, as a real stream arrives.
        let p = 0;
        const send = () => {
          if (res.destroyed) return;
          if (p >= stream.length) return void res.end();
          res.write(stream.subarray(p, (p += 5000)));
          setImmediate(send);
        };
        send();
      });
      source = await openHttpSource(server.url('/radio'), fast);
      assert.equal(source.live, true);
      assert.equal(source.size, undefined);
      assert.equal(source.stationName, 'Test FM');
      const seen: string[] = [];
      source.onDidChangeTitle((t) => seen.push(t));
      assert.ok((await readAll(source, 3000)).equals(audio));
      // A repeated title is not a change.
      assert.deepEqual(seen, ['Artist A - First', 'Sigur Rós - Hoppípolla', "Guns N' Roses - Don't Cry", 'Björk - Jóga']);
      assert.equal(source.title, 'Björk - Jóga');
      assert.equal(server.requests[0]!.headers['icy-metadata'], '1');
    });
  
    it('accepts an old SHOUTcast server answering `ICY 200 OK`', async () => {
      const audio = testBytes(50_000, 23);
      const stream = icyStream(audio, 2048, (b) => (b === 1 ? meta('Old School - Radio') : undefined));
      const raw = net.createServer((socket) => {
        socket.once('data', () => {
          // Status line split across two writes, as a slow server may send it.
          socket.write('IC');
          setTimeout(() => {
            socket.write('Y 200 OK\r\nicy-name:Legacy FM\r\nicy-metaint:2048\r\ncontent-type:audio/mpeg\r\n\r\n');
            socket.end(stream);
          }, 10);
        });
      });
      await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
      try {
        source = await openHttpSource(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/;stream.mp3`, fast);
        const seen: string[] = [];
        source.onDidChangeTitle((t) => seen.push(t));
        assert.equal(source.live, true);
        assert.equal(source.stationName, 'Legacy FM');
        assert.ok((await readAll(source, 4000)).equals(audio));
        assert.deepEqual(seen, ['Old School - Radio']);
      } finally {
        source?.dispose();
        source = undefined;
        await new Promise<void>((r) => raw.close(() => r()));
      }
    });
  });
});
