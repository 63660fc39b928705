import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from '../../../src/base/event';
import { openDecoder } from '../../../src/decode/index';
import type { EngineError, EngineState } from '../../../src/engine/api';
import { LocalEngine } from '../../../src/engine/local-engine';
import { HttpCache } from '../../../src/net/http-cache';
import { SourceOpener } from '../../../src/net/opener';
import type { BufferingState } from '../../../src/net/types';
import { counterPcm, counterRuns, readWavS16, writeWavS16 } from '../../support/pcm-signals';
import { MemoryStateStore, Player } from '../../../src/player';
import { waitForSnapshot } from '../../support/snapshot-wait';
import { TestServer, deferred, fast, serveBytes } from './server';

/** Resolves when the player stops because its queue ran out (not at the stopped snapshots before it plays). */
function endOfQueue(player: Player, ms: number): Promise<unknown> {
  let reached = false;
  const subscription = player.onDidChangeState((change) => (reached ||= change.cause === 'end-of-queue'));
  return waitForSnapshot(player, () => reached, ms).finally(() => subscription.dispose());
}

/**
 * The engine playing URLs through its existing `openDecoder` option: the wiring the engine
 * needs is exactly this opener (see the report for the patch making it the default).
 */
describe('net: the engine plays http URLs', () => {
  let server: TestServer;
  let dir: string;
  beforeEach(async () => {
    server = await TestServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-net-engine-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plays a WAV over HTTP to the end with exactly the file PCM; replays from the cache', async () => {
    const frames = 44_100 + 123;
    const file = path.join(dir, 'counter.wav');
    writeWavS16(file, counterPcm(0, frames), 44_100, 2);
    server.route('/counter.wav', serveBytes(fs.readFileSync(file), { contentType: 'audio/wav' }));
    const opener = new SourceOpener({ cacheDirectory: path.join(dir, 'cache'), cacheMaxBytes: 10_000_000 }, fast);
    for (const round of [1, 2]) {
      const out = path.join(dir, `out${round}.wav`);
      const engine = new LocalEngine({ sink: `wav:${out}`, pauseFadeMs: 0, openDecoder: async (uri) => openDecoder(await opener.open(uri)) });
      try {
        const ended = once(engine.onTrackEnded);
        await engine.load({ id: `t${round}`, uri: server.url('/counter.wav') }, { autoplay: true });
        await ended;
      } finally {
        engine.dispose();
      }
      assert.deepEqual(counterRuns(readWavS16(out).pcm).runs, [{ start: 0, end: frames }]);
      // The cache commit (fsync, rename) follows the last byte: wait until it is published.
      const probe = new HttpCache({ directory: path.join(dir, 'cache'), maxBytes: 10_000_000 });
      for (let waited = 0; round === 1 && !(await probe.lookup(server.url('/counter.wav'))) && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(server.requestsTo('/counter.wav').length, 1, 'the replay came from the cache');
  });

  it('a stalling server: the engine goes starved (Buffering), the source reports it, then plays on by itself', async () => {
    const file = path.join(dir, 'stall.wav');
    writeWavS16(file, counterPcm(0, 44_100), 44_100, 2);
    const bytes = fs.readFileSync(file);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // About 0.3 s of audio, then nothing until released.
    server.route('/stall.wav', serveBytes(bytes, { chunkSize: 4096, before: (offset) => (offset >= 52_000 ? held : undefined) }));
    const opener = new SourceOpener({}, { ...fast, readAheadBytes: 16 * 1024, keepBehindBytes: 8 * 1024 });
    const buffering: boolean[] = [];
    const engine = new LocalEngine({
      sink: 'null',
      pipeSeconds: 0.1,
      openDecoder: async (uri) => openDecoder(await opener.open(uri, { onBuffering: (s: BufferingState) => buffering.push(s.starved) })),
    });
    const states: EngineState[] = [];
    engine.onDidChangeState((s) => states.push(s));
    try {
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'radio', uri: server.url('/stall.wav') }, { autoplay: true });
      const starvedAt = Date.now();
      while (!states.includes('starved') && Date.now() - starvedAt < 5000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(states.includes('starved'), states.join(' → '));
      release();
      await ended;
    } finally {
      engine.dispose();
    }
    const starved = states.indexOf('starved');
    assert.ok(states.slice(starved + 1).includes('playing'), states.join(' → '));
    assert.equal(buffering[0], true);
    assert.equal(buffering.at(-1), false);
  });

  it('a dead URL: the load fails with a clear source error, in bounded time', async () => {
    const engine = new LocalEngine({ sink: 'null', openDecoder: async (uri) => openDecoder(await new SourceOpener({}, fast).open(uri)) });
    const errors: EngineError[] = [];
    engine.onError((e) => errors.push(e));
    try {
      await assert.rejects(engine.load({ id: 'gone', uri: server.url('/gone.mp3') }, { autoplay: true }), /HTTP 404/);
    } finally {
      engine.dispose();
    }
  });

  it('the player: Buffering with progress while a server stalls, then Playing by itself', async () => {
    const file = path.join(dir, 'stall-player.wav');
    writeWavS16(file, counterPcm(0, 88_200), 44_100, 2);
    const hold = deferred();
    // About 0.3 s of audio, then nothing until the player shows Buffering; then a trickle a
    // little faster than real time (46 ms of audio every 40 ms), so the cushion fills visibly.
    const trickle = () => hold.promise.then(() => new Promise<void>((r) => setTimeout(r, 40)));
    server.route('/stall.wav', serveBytes(fs.readFileSync(file), { chunkSize: 8192, before: (offset) => (offset >= 52_000 ? trickle() : undefined) }));
    const opener = new SourceOpener({}, { ...fast, readAheadBytes: 16 * 1024, keepBehindBytes: 8 * 1024 });
    const engine = new LocalEngine({ sink: 'null', pipeSeconds: 0.5, openDecoder: async (uri) => openDecoder(await opener.open(uri)) });
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const seen: string[] = [];
    player.onDidChangeSnapshot((s) => {
      const entry = s.state === 'buffering' ? `buffering ${s.bufferingProgress}` : s.state;
      if (entry !== seen.at(-1)) seen.push(entry);
      if (s.state === 'buffering') hold.resolve();
    });
    try {
      const ended = endOfQueue(player, 20_000);
      player.add([{ uri: server.url('/stall.wav') }]);
      await player.play();
      await ended;
    } finally {
      player.dispose();
      engine.dispose();
    }
    const buffering = seen.filter((e) => e.startsWith('buffering')).map((e) => Number(e.split(' ')[1]));
    assert.ok(buffering.length >= 2, seen.join(' → '));
    assert.equal(buffering[0], 0, seen.join(' → '));
    assert.ok(buffering.at(-1)! > 0, `progress moved: ${seen.join(' → ')}`);
    const last = seen.length - 1 - [...seen].reverse().findIndex((e) => e.startsWith('buffering'));
    assert.equal(seen[last + 1], 'playing', seen.join(' → '));
    assert.equal(player.snapshot.error, undefined);
  });

  it('a dead, a redirect-looping, a silent and a stalling URL each end in a clear error in bounded time, and the queue goes on', async () => {
    const file = path.join(dir, 'good.wav');
    writeWavS16(file, counterPcm(0, 22_050), 44_100, 2);
    const good = fs.readFileSync(file);
    server.route('/ping', (_req, res) => res.writeHead(301, { Location: '/pong' }).end());
    server.route('/pong', (_req, res) => res.writeHead(307, { Location: server.url('/ping') }).end());
    server.route('/silent', () => undefined);
    // Plays a moment, then never sends another byte.
    server.route('/stalls.wav', serveBytes(good, { chunkSize: 4096, before: (offset) => (offset >= 16_384 ? new Promise<void>(() => undefined) : undefined) }));
    server.route('/good.wav', serveBytes(good));
    const opener = new SourceOpener({}, { ...fast, openTimeoutMs: 1500, stallTimeoutMs: 1500, readAheadBytes: 16 * 1024, keepBehindBytes: 8 * 1024 });
    const engine = new LocalEngine({ sink: 'null', pipeSeconds: 0.2, openDecoder: async (uri) => openDecoder(await opener.open(uri)) });
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const errors: string[] = [];
    let goodHeardMs = 0;
    player.onDidChangeSnapshot((s) => {
      if (s.error && s.error.message !== errors.at(-1)) errors.push(s.error.message);
      if (s.track?.uri.endsWith('/good.wav') && s.state === 'playing') goodHeardMs = Math.max(goodHeardMs, s.positionMs);
    });
    const started = Date.now();
    try {
      const ended = endOfQueue(player, 40_000);
      player.add(['/gone.mp3', '/ping', '/silent', '/stalls.wav', '/good.wav'].map((p) => ({ uri: server.url(p) })));
      await player.play();
      await ended;
    } finally {
      player.dispose();
      engine.dispose();
    }
    const elapsed = Date.now() - started;
    assert.equal(errors.length, 4, errors.join('\n'));
    assert.match(errors[0]!, /Skipped .*gone\.mp3.*HTTP 404/);
    assert.match(errors[1]!, /Skipped .*ping.*redirect loop/);
    assert.match(errors[2]!, /Skipped .*silent.*no response within/);
    assert.match(errors[3]!, /Skipped .*stalls\.wav.*no data/);
    // The good track was reached and played (the last error stays until a person starts something).
    assert.ok(goodHeardMs >= 300, `good.wav heard to ${goodHeardMs} ms of 500`);
    assert.equal(player.snapshot.queueIndex, -1, 'the queue ran to its end');
    assert.ok(elapsed < 25_000, `took ${elapsed} ms`);
  });

  it('a station link to a PLS plays its first stream', async () => {
    const file = path.join(dir, 'short.wav');
    writeWavS16(file, counterPcm(0, 4410), 44_100, 2);
    server.route('/short.wav', serveBytes(fs.readFileSync(file)));
    server.route('/station.pls', serveBytes(Buffer.from(`[playlist]\nFile1=${server.url('/short.wav')}\n`), { contentType: 'audio/x-scpls' }));
    const source = await new SourceOpener({}, fast).open(server.url('/station.pls'));
    try {
      assert.equal(source.uri, server.url('/short.wav'));
      assert.equal(source.size, fs.statSync(file).size);
    } finally {
      source.dispose();
    }
  });
});
