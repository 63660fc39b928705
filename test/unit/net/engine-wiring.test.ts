import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from '../../../src/base/event';
import { LocalEngine } from '../../../src/engine/local-engine';
import { engineArgv, parseEngineArgv } from '../../../src/engine/protocol';
import { Player } from '../../../src/player/player';
import { MemoryStateStore } from '../../../src/player/store';
import { media } from '../decode/helpers';
import { counterPcm, counterRuns, readWavS16, writeWavS16 } from '../../support/pcm-signals';
import { TestServer, deferred, icyRadio, serveBytes } from './server';

describe('net: the engine opens http URLs by default', () => {
  it('plays a WAV URL with no openDecoder option, cached for the replay', async () => {
    const server = await TestServer.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-net-wired-'));
    try {
      const file = path.join(dir, 'c.wav');
      writeWavS16(file, counterPcm(0, 22_050), 44_100, 2);
      server.route('/c.wav', serveBytes(fs.readFileSync(file)));
      const out = path.join(dir, 'out.wav');
      const engine = new LocalEngine({ sink: `wav:${out}`, pauseFadeMs: 0, network: { env: {}, cacheDirectory: path.join(dir, 'cache') } });
      try {
        const ended = once(engine.onTrackEnded);
        await engine.load({ id: 'u', uri: server.url('/c.wav') }, { autoplay: true });
        await ended;
      } finally {
        engine.dispose();
      }
      assert.deepEqual(counterRuns(readWavS16(out).pcm).runs, [{ start: 0, end: 22_050 }]);
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ICY titles reach the player\'s now playing in order as the stream reaches them (onStreamTitle with the track id)', async () => {
    const server = await TestServer.start();
    try {
      const { first, rest } = icyRadio(fs.readFileSync(media('tone-mp3-cbr.mp3')), 4000, { 0: 'Artist - First', 5: 'Artist - Second' }, 5);
      const firstSeen = deferred();
      server.route('/radio', (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'icy-name': 'Loopback FM', 'icy-metaint': '4000' });
        res.write(first);
        // The second title does not exist yet when the first is announced: a change mid-stream.
        void firstSeen.promise.then(() => res.end(rest));
      });
      const engine = new LocalEngine({ sink: 'null', network: { env: {} } });
      const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
      const titles: { trackId: string; title: string }[] = [];
      engine.onStreamTitle((t) => titles.push(t));
      // What the now-playing views read: the player's snapshot.
      const nowPlaying: (string | undefined)[] = [];
      player.onDidChangeSnapshot((snapshot) => {
        if (snapshot.streamTitle !== nowPlaying.at(-1)) nowPlaying.push(snapshot.streamTitle);
        if (snapshot.streamTitle === 'Artist - First') firstSeen.resolve();
      });
      try {
        const ended = once(engine.onTrackEnded);
        player.add([{ uri: server.url('/radio'), title: 'Loopback FM' }]);
        await player.play();
        await ended;
        await player.whenEngineIdle();
      } finally {
        player.dispose();
        engine.dispose();
      }
      const trackId = titles[0]?.trackId ?? '';
      assert.match(trackId, /@/, 'the engine names the player\'s track ref');
      assert.deepEqual(titles, [
        { trackId, title: 'Artist - First' },
        { trackId, title: 'Artist - Second' },
      ]);
      // Cleared when the station ended and the queue stopped.
      assert.deepEqual(nowPlaying, ['Artist - First', 'Artist - Second', undefined]);
    } finally {
      await server.close();
    }
  });

  it('passes network settings to the engine process as JSON, keeping only known fields', () => {
    const network = { proxy: 'http://proxy:3128', strictSSL: false, cacheDirectory: '/tmp/c', cacheMaxBytes: 1000 };
    assert.deepEqual(parseEngineArgv(engineArgv({ network })).network, network);
    assert.deepEqual(parseEngineArgv(['--network={"proxy":1,"cacheDirectory":"/x","evil":true}']).network, { cacheDirectory: '/x' });
    assert.equal(parseEngineArgv(['--network=not json']).network, undefined);
  });
});
