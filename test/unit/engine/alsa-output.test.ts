import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from '../../../src/base/event';
import { EngineClient } from '../../../src/engine/client';
import { AlsaCapture, createAlsaCapture } from '../../support/alsa-capture';
import { counterPcm, counterRuns, firstSoundingFrame, noisePcm, writeWavS16 } from '../../support/pcm-signals';

/**
 * Real output: the engine child process plays through naudiodon/PortAudio into ALSA's file
 * plugin (platform facts §3), and the capture is compared with the source sample for sample.
 * The file device runs ~64x real time, so long tracks play in about a second.
 */

const enginePath = path.resolve(__dirname, '../../../src/engine/main.ts');
const RATE = 44_100;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('engine: real output through naudiodon into an ALSA file device', function () {
  this.timeout(60_000);
  let dir: string;
  let capture: AlsaCapture;
  let client: EngineClient | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-alsa-test-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    capture = createAlsaCapture();
    client = new EngineClient({ enginePath, sink: 'naudiodon', pauseFadeMs: 0, env: capture.env });
  });
  afterEach(async () => {
    client?.dispose();
    client = undefined;
    await sleep(200);
    capture.dispose();
  });

  it('plays a 16-bit track bit-exactly', async () => {
    const frames = RATE * 3;
    const source = noisePcm(frames, 2);
    const file = path.join(dir, 'noise.wav');
    writeWavS16(file, source, RATE, 2);
    const engine = client!;
    const ended = once(engine.onTrackEnded);
    await engine.load({ id: 'noise', uri: file }, { autoplay: true });
    assert.deepEqual(await withTimeout(ended, 20_000, 'the end of the track'), { trackId: 'noise' });
    engine.dispose();
    await sleep(200);
    const captured = capture.readS16();
    const start = firstSoundingFrame(captured, 2);
    assert.ok(start >= 0, 'something was captured');
    const body = captured.subarray(start * 2, (start + frames) * 2);
    assert.equal(body.length, source.length, 'whole track captured');
    const mismatch = body.findIndex((v, i) => v !== source[i]);
    assert.equal(mismatch, -1, `first differing sample at ${mismatch}`);
    assert.ok(captured.subarray((start + frames) * 2).every((v) => v === 0), 'only silence after the track');
  });

  it('pause and resume lose and repeat no sample', async () => {
    // ALSA's file device takes audio as fast as it comes (a 40 s track went in under 150 ms
    // once the engine got faster): a long track and an early pause keep the pause inside it.
    const frames = RATE * 120;
    const file = path.join(dir, 'counter-120s.wav');
    writeWavS16(file, counterPcm(0, frames), RATE, 2);
    const engine = client!;
    const ended = once(engine.onTrackEnded);
    await engine.load({ id: 'c', uri: file }, { autoplay: true });
    await sleep(30);
    await engine.pause();
    assert.equal(engine.state, 'paused');
    await sleep(300);
    await engine.play();
    await withTimeout(ended, 30_000, 'the end of the track');
    const { runs, silentGapsInside } = counterRuns(capture.readS16());
    assert.deepEqual(runs, [{ start: 0, end: frames }]);
    assert.ok(silentGapsInside >= 1, 'the pause happened inside the track');
  });

  it('a long pause releases the device and resume reopens it, still without a lost sample', async () => {
    client?.dispose();
    capture.dispose();
    capture = createAlsaCapture({ append: true }); // the device is opened twice
    const logs: string[] = [];
    const engine = (client = new EngineClient({
      enginePath,
      sink: 'naudiodon',
      pauseFadeMs: 0,
      releaseDeviceAfterPauseMs: 200,
      env: capture.env,
      log: (_l, m) => logs.push(m),
    }));
    // As above: a long track and an early pause keep the pause inside it on the fast file device.
    const frames = RATE * 120;
    const file = path.join(dir, 'counter-park.wav');
    writeWavS16(file, counterPcm(0, frames), RATE, 2);
    const ended = once(engine.onTrackEnded);
    await engine.load({ id: 'c', uri: file }, { autoplay: true });
    await sleep(30);
    await engine.pause();
    await sleep(600);
    assert.ok(logs.some((m) => /device released/.test(m)), logs.join('\n'));
    await engine.play();
    await withTimeout(ended, 30_000, 'the end of the track');
    engine.dispose();
    await sleep(300); // `cat >>` writes the tail
    const { runs } = counterRuns(capture.readS16());
    assert.deepEqual(runs, [{ start: 0, end: frames }]);
  });

  it('seek flushes and continues exactly at the target frame', async () => {
    // As the pause tests: the file device takes audio far faster than real time (36 s of a
    // 40 s track went in the first 100 ms once), so a long track and an early seek keep the
    // seek ahead of what was played.
    const frames = RATE * 120;
    const file = path.join(dir, 'counter-seek.wav');
    writeWavS16(file, counterPcm(0, frames), RATE, 2);
    const engine = client!;
    const ended = once(engine.onTrackEnded);
    await engine.load({ id: 's', uri: file }, { autoplay: true });
    await sleep(30);
    await engine.seek(115_000);
    await withTimeout(ended, 30_000, 'the end of the track');
    const { runs } = counterRuns(capture.readS16());
    const target = 115 * RATE;
    assert.equal(runs.length, 2, JSON.stringify(runs));
    assert.equal(runs[0]!.start, 0);
    assert.ok(runs[0]!.end < target, `played ${runs[0]!.end} frames before the seek`);
    assert.deepEqual(runs[1], { start: target, end: frames });
  });

  it('lists output devices and selects one by name, with a clear error for an unknown name', async () => {
    const engine = client!;
    const devices = await engine.listDevices();
    assert.ok(devices.some((d) => d.name === 'default'), JSON.stringify(devices));
    const file = path.join(dir, 'short.wav');
    writeWavS16(file, counterPcm(0, RATE), RATE, 2);
    await engine.setDevice('no such card');
    await assert.rejects(engine.load({ id: 'x', uri: file }, { autoplay: true }), /No output device named 'no such card'\. Devices: 'default'/);
    await engine.setDevice('Default'); // case-insensitive match
    const ended = once(engine.onTrackEnded);
    await engine.load({ id: 'y', uri: file }, { autoplay: true });
    await withTimeout(ended, 20_000, 'the end of the track');
    assert.deepEqual(counterRuns(capture.readS16()).runs, [{ start: 0, end: RATE }]);
  });

  it('two preloaded tracks join bit-exactly (gapless)', async () => {
    const a = path.join(dir, 'gap-a.wav');
    const b = path.join(dir, 'gap-b.wav');
    const framesA = RATE * 4 + 123;
    const framesB = RATE * 3 + 7;
    writeWavS16(a, counterPcm(0, framesA), RATE, 2);
    writeWavS16(b, counterPcm(framesA, framesB), RATE, 2);
    const engine = client!;
    const started = once(engine.onTrackStarted);
    const ended = once(engine.onTrackEnded);
    await engine.load({ id: 'a', uri: a }, { autoplay: true });
    await engine.preloadNext({ id: 'b', uri: b });
    assert.equal((await withTimeout(started, 20_000, 'track b')).track.id, 'b');
    assert.deepEqual(await withTimeout(ended, 20_000, 'the end'), { trackId: 'b' });
    const { runs, silentGapsInside } = counterRuns(capture.readS16());
    assert.deepEqual(runs, [{ start: 0, end: framesA + framesB }]);
    assert.equal(silentGapsInside, 0);
  });
});

describe('engine: a following track in another format reopens the device', function () {
  this.timeout(60_000);

  it('plays 44.1 kHz then 48 kHz, every frame once, each at its own rate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-reopen-test-'));
    const capture = createAlsaCapture({ append: true });
    const logs: string[] = [];
    const engine = new EngineClient({ enginePath, sink: 'naudiodon', pauseFadeMs: 0, env: capture.env, log: (_l, m) => logs.push(m) });
    try {
      const a = path.join(dir, 'a-44100.wav');
      const b = path.join(dir, 'b-48000.wav');
      const framesA = 44_100 * 2;
      const framesB = 48_000 * 2;
      writeWavS16(a, counterPcm(0, framesA), 44_100, 2);
      writeWavS16(b, counterPcm(framesA, framesB), 48_000, 2);
      const started = once(engine.onTrackStarted);
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'a', uri: a }, { autoplay: true });
      await engine.preloadNext({ id: 'b', uri: b });
      assert.equal((await withTimeout(started, 20_000, 'track b')).format.sampleRate, 48_000);
      await withTimeout(ended, 20_000, 'the end');
      engine.dispose();
      await sleep(300);
      assert.ok(logs.some((m) => /output: .*48000 Hz/.test(m)), logs.join('\n'));
      assert.deepEqual(counterRuns(capture.readS16()).runs, [{ start: 0, end: framesA + framesB }]);
    } finally {
      engine.dispose();
      capture.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('engine: fallback through a command-line player (aplay) into the ALSA file device', function () {
  this.timeout(60_000);

  it('plays a 16-bit track bit-exactly through aplay', async function () {
    // The file device takes audio faster than real time, so an engine that loses the CPU for
    // 40 ms feeds it silence (as it must a clocked device): on a loaded machine, one more chance.
    this.retries(1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-pipe-test-'));
    const capture = createAlsaCapture();
    const logs: string[] = [];
    // aplay is the player that writes to ALSA's default device (the capture); force it.
    const env = { ...capture.env, PLAYHEAD_PIPE_PLAYER: 'aplay' };
    const engine = new EngineClient({ enginePath, sink: 'pipe', pauseFadeMs: 0, env, log: (_l, m) => logs.push(m) });
    try {
      const frames = RATE * 2;
      const source = noisePcm(frames, 2, 99);
      const file = path.join(dir, 'noise.wav');
      writeWavS16(file, source, RATE, 2);
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'p', uri: file }, { autoplay: true });
      await withTimeout(ended, 20_000, 'the end of the track');
      engine.dispose();
      await sleep(500);
      assert.ok(logs.some((m) => /output: aplay/.test(m)), logs.join('\n'));
      const captured = capture.readS16();
      const start = firstSoundingFrame(captured, 2);
      assert.ok(start >= 0, 'something was captured');
      const body = captured.subarray(start * 2, (start + frames) * 2);
      assert.equal(body.length, source.length, 'whole track captured');
      assert.equal(body.findIndex((v, i) => v !== source[i]), -1);
    } finally {
      engine.dispose();
      capture.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
