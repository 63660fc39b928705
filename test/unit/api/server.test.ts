import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiServer } from '../../../src/api/server';
import { routes } from '../../../src/api/routes';
import { EngineClient } from '../../../src/engine/client';
import { PlaylistStore } from '../../../src/library/playlists/store';
import { MemoryStateStore, Player } from '../../../src/player';
import { EngineBundle, buildEngineBundle } from '../../support/engine-bundle';
import { writeWavS16 } from '../../support/pcm-signals';
import { waitForSnapshot } from '../../support/snapshot-wait';
import { TestServer, deferred, icyRadio } from '../net/server';
import { call, CallOptions, idleEngine, Reply } from './support';

/**
 * The REST API against a real Player over the real engine process with the null sink (paced
 * like a sound card, so a 30 s track is still playing when each test looks). Only 127.0.0.1
 * is ever contacted.
 */

const token = 'a'.repeat(20) + '-test-token-' + 'b'.repeat(20);

describe('api: REST server', function () {
  this.timeout(30_000);
  let dir: string;
  let longA: string;
  let longB: string;
  let bundle: EngineBundle;
  let engine: EngineClient;
  let player: Player;
  let server: ApiServer;
  let playlistDir: string;

  const api = (method: string, route: string, options: CallOptions = {}): Promise<Reply> =>
    call(server.port, method, `/api/v1${route}`, { token, ...options });

  before(async () => {
    bundle = buildEngineBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-api-'));
    longA = path.join(dir, 'long-a.wav');
    longB = path.join(dir, 'long-b.wav');
    writeWavS16(longA, new Int16Array(44_100 * 30), 44_100, 1);
    writeWavS16(longB, new Int16Array(44_100 * 30), 44_100, 1);
    playlistDir = path.join(dir, 'playlists');
    fs.mkdirSync(playlistDir);
    fs.writeFileSync(path.join(playlistDir, 'Evening.m3u8'), `#EXTM3U\n${longA}\n`);
    engine = new EngineClient({ enginePath: bundle.enginePath, sink: 'null', env: bundle.env });
    player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const playlists = new PlaylistStore(playlistDir);
    server = await ApiServer.listen({
      player,
      token,
      port: 0,
      // The functional tests send many requests quickly; the limit has its own test below.
      rateLimit: { ratePerSecond: 10_000, burst: 10_000 },
      listPlaylists: () => playlists.list(),
    });
  });

  after(() => {
    server?.dispose();
    player?.dispose();
    engine?.dispose();
    bundle?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('refuses a request without a token with 401 and WWW-Authenticate: Bearer', async () => {
      const reply = await api('GET', '/player/status', { token: undefined });
      assert.equal(reply.status, 401);
      assert.match(String(reply.headers['www-authenticate']), /^Bearer /);
      assert.equal(reply.body.reason, 'unauthorized');
    });

    it('refuses a wrong token, of the same length or not, and other schemes', async () => {
      for (const wrong of [token.replace(/a/g, 'c'), 'short-wrong-token', token + 'x']) {
        const reply = await api('GET', '/player/status', { token: wrong });
        assert.equal(reply.status, 401, wrong);
        assert.match(String(reply.headers['www-authenticate']), /invalid_token/);
      }
      const basic = await api('GET', '/player/status', { token: undefined, headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } });
      assert.equal(basic.status, 401);
    });

    it('refuses requests addressed to another host name (DNS rebinding) with 403', async () => {
      const reply = await api('GET', '/player/status', { headers: { host: `evil.example:${server.port}` } });
      assert.equal(reply.status, 403);
      assert.equal(reply.body.reason, 'forbidden-host');
      const localhost = await api('GET', '/player/status', { headers: { host: `localhost:${server.port}` } });
      assert.equal(localhost.status, 200);
    });
  });

  describe('routing', () => {
    it('answers 404 for unknown paths and 405 with Allow for wrong methods', async () => {
      assert.equal((await api('GET', '/nothing')).status, 404);
      assert.equal((await call(server.port, 'GET', '/', { token })).status, 404);
      const getPlay = await api('GET', '/player/play');
      assert.equal(getPlay.status, 405);
      assert.equal(getPlay.headers.allow, 'POST');
      const deleteStatus = await api('DELETE', '/player/status');
      assert.equal(deleteStatus.status, 405);
      assert.equal(deleteStatus.headers.allow, 'GET');
      const putQueue = await api('PUT', '/queue', { json: {} });
      assert.equal(putQueue.status, 405);
      assert.equal(putQueue.headers.allow, 'GET, POST, DELETE');
    });

    it('serves an OpenAPI 3.1 document that lists exactly the routes and methods', async () => {
      const reply = await api('GET', '/openapi.json');
      assert.equal(reply.status, 200);
      assert.equal(reply.body.openapi, '3.1.0');
      const documented = Object.entries(reply.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} /api/v1${p}`),
      );
      const served = routes.flatMap((r) => Object.keys(r.methods).map((m) => `${m} ${r.path}`));
      assert.deepEqual([...documented].sort(), [...served].sort());
      // Every $ref points at a schema that exists.
      const refs = JSON.stringify(reply.body).match(/#\/components\/schemas\/\w+/g) ?? [];
      for (const ref of new Set(refs)) assert.ok(reply.body.components.schemas[ref.split('/').pop()!], ref);
    });
  });

  describe('bodies', () => {
    it('answers 400 with a reason for malformed JSON and schema mismatches', async () => {
      const broken = await api('POST', '/player/seek', { raw: '{"positionMs":', headers: { 'content-type': 'application/json' } });
      assert.equal(broken.status, 400);
      assert.match(broken.body.error, /not valid JSON/);
      for (const body of [{}, { positionMs: 1, deltaMs: 1 }, { positionMs: '1' }, { positionMs: -5 }, [], 'x', null]) {
        const reply = await api('POST', '/player/seek', { json: body });
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.equal(reply.body.reason, 'bad-request');
        assert.equal(typeof reply.body.error, 'string');
      }
      for (const body of [{ volume: 1.5 }, { volume: -0.1 }, { volume: 'loud' }, {}]) {
        assert.equal((await api('POST', '/player/volume', { json: body })).status, 400, JSON.stringify(body));
      }
      for (const body of [
        {},
        { tracks: [] },
        { tracks: [{ title: 'no uri' }] },
        { tracks: [{ uri: 'relative/file.mp3' }] },
        { tracks: [{ uri: longA, durationMs: 'long' }] },
        { paths: ['relative/folder'] },
        { paths: [longA], tracks: [{ uri: longA }] },
        { paths: [longA], position: 'middle' },
        { paths: 'not-a-list' },
      ]) {
        const reply = await api('POST', '/queue', { json: body });
        assert.equal(reply.status, 400, JSON.stringify(body));
      }
    });

    it('answers 415 for a body that is not JSON', async () => {
      const reply = await api('POST', '/player/seek', { raw: 'positionMs=5', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(reply.status, 415);
      const noType = await api('POST', '/queue', { raw: '{"paths":[]}' });
      assert.equal(noType.status, 415);
    });

    it('answers 413 for a body over 64 KiB, declared or chunked, and keeps serving', async () => {
      const big = JSON.stringify({ tracks: [{ uri: longA, title: 'x'.repeat(70 * 1024) }] });
      const declared = await api('POST', '/queue', { raw: big, headers: { 'content-type': 'application/json' } });
      assert.equal(declared.status, 413);
      const chunked = await api('POST', '/queue', { raw: big, chunked: true, headers: { 'content-type': 'application/json' } });
      assert.equal(chunked.status, 413);
      assert.equal((await api('GET', '/queue')).body.items.length, 0, 'nothing was added');
      assert.equal((await api('GET', '/player/status')).status, 200);
    });
  });

  describe('queue and transport', () => {
    it('adds tracks and paths, at the end and next, reporting skipped paths', async () => {
      const added = await api('POST', '/queue', { json: { tracks: [{ uri: longA, title: 'Long A', artist: 'Test', extra: 'ignored' }] } });
      assert.equal(added.status, 201);
      assert.equal(added.body.added.length, 1);
      assert.deepEqual(added.body.added[0].track, { uri: longA, title: 'Long A', artist: 'Test' });
      const missing = path.join(dir, 'missing.flac');
      const byPath = await api('POST', '/queue', { json: { paths: [longB, missing] } });
      assert.equal(byPath.status, 201);
      assert.equal(byPath.body.added[0].track.uri, longB);
      assert.deepEqual(byPath.body.skipped, [{ path: missing, reason: 'no such file or folder' }]);
      const next = await api('POST', '/queue', { json: { tracks: [{ uri: 'https://radio.invalid/stream' }], position: 'next' } });
      assert.equal(next.status, 201);
      const queue = await api('GET', '/queue');
      assert.equal(queue.status, 200);
      assert.deepEqual(
        queue.body.items.map((i: { track: { uri: string } }) => i.track.uri),
        // No current track yet, so "next" lands at the top.
        ['https://radio.invalid/stream', longA, longB],
      );
      assert.equal(queue.body.currentIndex, -1);
      const nothing = await api('POST', '/queue', { json: { paths: [missing] } });
      assert.equal(nothing.status, 400);
      assert.equal(nothing.body.reason, 'nothing-playable');
      assert.equal(nothing.body.skipped.length, 1);
      // Remove the URL again: nothing here may contact anything but 127.0.0.1.
      assert.equal((await api('DELETE', '/queue/0')).status, 200);
    });

    it('plays, pauses, toggles, seeks, sets the volume, skips and stops; 409 when the player refuses', async () => {
      const play = await api('POST', '/player/play');
      assert.equal(play.status, 200);
      assert.equal(play.body.state, 'playing');
      assert.equal(play.body.track.uri, longA);
      const again = await api('POST', '/player/play', { json: {} });
      assert.equal(again.status, 409);
      assert.equal(again.body.reason, 'invalid-state');
      assert.equal(again.body.error, 'Cannot play while playing.');

      const pause = await api('POST', '/player/pause');
      assert.equal(pause.body.state, 'paused');
      assert.equal((await api('POST', '/player/pause')).status, 409);
      const toggle = await api('POST', '/player/toggle');
      assert.equal(toggle.body.state, 'playing');

      const seek = await api('POST', '/player/seek', { json: { positionMs: 10_000 } });
      assert.equal(seek.status, 200);
      assert.equal(seek.body.positionMs, 10_000);
      const back = await api('POST', '/player/seek', { json: { deltaMs: -4_000 } });
      assert.equal(back.status, 200);
      // From wherever playback was (10 s plus the time the requests took) back by 4 s.
      assert.ok(back.body.positionMs >= 6_000 && back.body.positionMs < 10_000, String(back.body.positionMs));

      const volume = await api('POST', '/player/volume', { json: { volume: 0.25 } });
      assert.equal(volume.status, 200);
      assert.equal(volume.body.volume, 0.25);

      const next = await api('POST', '/player/next');
      assert.equal(next.status, 200);
      assert.equal(next.body.track.uri, longB);
      assert.equal(next.body.queueIndex, 1);
      const noNext = await api('POST', '/player/next');
      assert.equal(noNext.status, 409);
      assert.equal(noNext.body.reason, 'no-next');
      const previous = await api('POST', '/player/previous');
      assert.equal(previous.status, 200);
      assert.equal(previous.body.track.uri, longA);

      const status = await api('GET', '/player/status');
      assert.equal(status.status, 200);
      assert.equal(status.body.state, 'playing');
      assert.equal(status.body.queueLength, 2);
      assert.equal(typeof status.body.version, 'number');

      const stop = await api('POST', '/player/stop');
      assert.equal(stop.body.state, 'stopped');
      const stopAgain = await api('POST', '/player/stop');
      assert.equal(stopAgain.status, 409);
      const seekStopped = await api('POST', '/player/seek', { json: { positionMs: 0 } });
      assert.equal(seekStopped.status, 409);
    });

    it('removes one item (404 past the end, 400 for a non-number) and clears the queue', async () => {
      assert.equal((await api('DELETE', '/queue/9')).status, 404);
      assert.equal((await api('DELETE', '/queue/-1')).status, 400);
      assert.equal((await api('DELETE', '/queue/1.5')).status, 400);
      const removed = await api('DELETE', '/queue/1');
      assert.equal(removed.status, 200);
      assert.deepEqual(removed.body.items.map((i: { track: { uri: string } }) => i.track.uri), [longA]);
      const cleared = await api('DELETE', '/queue');
      assert.equal(cleared.status, 200);
      assert.deepEqual(cleared.body.items, []);
      assert.equal((await api('POST', '/player/play')).body.reason, 'empty-queue');
    });

    it("reports a stream's ICY title in the status as it changes (through the engine process)", async () => {
      const { first, rest } = icyRadio(fs.readFileSync(path.resolve(__dirname, '../../fixtures/media/tone-mp3-cbr.mp3')), 4000, { 0: 'Artist - First', 5: 'Artist - Second' }, 5);
      const release = deferred();
      const radio = await TestServer.start();
      radio.route('/radio', (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'icy-name': 'Loopback FM', 'icy-metaint': '4000' });
        res.write(first);
        void release.promise.then(() => res.end(rest));
      });
      try {
        const firstTitle = waitForSnapshot(player, (s) => s.streamTitle === 'Artist - First');
        player.add([{ uri: radio.url('/radio'), title: 'Loopback FM' }]);
        assert.equal((await api('POST', '/player/play')).status, 200);
        await firstTitle;
        const status = await api('GET', '/player/status');
        assert.equal(status.body.streamTitle, 'Artist - First');
        assert.equal(status.body.track.title, 'Loopback FM');
        const secondTitle = waitForSnapshot(player, (s) => s.streamTitle === 'Artist - Second');
        release.resolve();
        await secondTitle;
        assert.equal((await api('GET', '/player/status')).body.streamTitle, 'Artist - Second');
      } finally {
        release.resolve();
        await player.stop();
        player.clear();
        await radio.close();
      }
    });

    it('lists playlists from the injected provider', async () => {
      const reply = await api('GET', '/playlists');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { playlists: [{ name: 'Evening', path: path.join(playlistDir, 'Evening.m3u8'), format: 'm3u8' }] });
    });
  });
});

describe('api: listening and lifetime', function () {
  this.timeout(15_000);
  const player = new Player({ engine: idleEngine(), store: new MemoryStateStore(), log: () => undefined });
  after(() => player.dispose());

  it('refuses any host but 127.0.0.1, and a short token', async () => {
    for (const host of ['0.0.0.0', '::', '::1', 'localhost', '192.168.1.10']) {
      await assert.rejects(ApiServer.listen({ player, token, port: 0, host }), /127\.0\.0\.1 only/, host);
    }
    await assert.rejects(ApiServer.listen({ player, token: 'short', port: 0 }), /at least 16/);
    const server = await ApiServer.listen({ player, token, port: 0 });
    try {
      assert.equal((server as unknown as { server: http.Server }).server.address() !== null, true);
      const address = (server as unknown as { server: http.Server }).server.address();
      assert.equal(typeof address === 'object' && address?.address, '127.0.0.1');
      assert.equal(server.url, `http://127.0.0.1:${server.port}/api/v1`);
    } finally {
      server.dispose();
    }
  });

  it('rate-limits a burst of 100 requests with 429 and Retry-After', async () => {
    const server = await ApiServer.listen({ player, token, port: 0 });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const started = performance.now();
      const replies = await Promise.all(Array.from({ length: 100 }, () => call(server.port, 'GET', '/api/v1/player/status', { token, agent })));
      const seconds = (performance.now() - started) / 1000;
      agent.destroy();
      const ok = replies.filter((r) => r.status === 200).length;
      const limited = replies.filter((r) => r.status === 429);
      assert.equal(ok + limited.length, 100);
      // The burst of 40, plus what refilled at 20/s while the requests were being sent.
      assert.ok(ok >= 40 && ok <= 40 + Math.ceil(seconds * 20) + 1, `${ok} served in ${seconds.toFixed(2)} s`);
      assert.ok(limited.length > 0, 'some were limited');
      for (const reply of limited) {
        assert.ok(Number(reply.headers['retry-after']) >= 1);
        assert.equal(reply.body.reason, 'rate-limited');
      }
    } finally {
      server.dispose();
    }
  });

  it('counts requests with a wrong token too, so guessing is slowed down', async () => {
    const server = await ApiServer.listen({ player, token, port: 0, rateLimit: { ratePerSecond: 0.1, burst: 2 } });
    try {
      const guess = () => call(server.port, 'GET', '/api/v1/player/status', { token: 'x'.repeat(20) });
      assert.equal((await guess()).status, 401);
      assert.equal((await guess()).status, 401);
      const limited = await call(server.port, 'GET', '/api/v1/player/status', { token });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers['retry-after']) >= 5, String(limited.headers['retry-after']));
    } finally {
      server.dispose();
    }
  });

  it('closes open keep-alive sockets on dispose and stops listening', async () => {
    const server = await ApiServer.listen({ player, token, port: 0 });
    const port = server.port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await call(port, 'GET', '/api/v1/player/status', { token, agent })).status, 200);
    const sockets = Object.values(agent.freeSockets).flat();
    assert.equal(sockets.length, 1, 'a kept-alive socket');
    const closed = new Promise<void>((resolve) => sockets[0]!.once('close', () => resolve()));
    server.dispose();
    await closed;
    await assert.rejects(call(port, 'GET', '/api/v1/player/status', { token }), /ECONNREFUSED/);
    agent.destroy();
  });
});
