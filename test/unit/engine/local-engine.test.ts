import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from '../../../src/base/event';
import type { Decoder, PcmChunk } from '../../../src/decode/types';
import type { EngineState } from '../../../src/engine/api';
import { LocalEngine } from '../../../src/engine/local-engine';
import { counterPcm, counterRuns, readWavS16, writeWavS16 } from '../../support/pcm-signals';

/** `total` chunks of 100 ms (44.1 kHz stereo); read `n` first waits `delayMs(n)` (a slow source). */
function chunkDecoder(total: number, delayMs: (n: number) => number): Decoder {
  let next = 0;
  return {
    format: { codec: 'wav', sampleRate: 44_100, channels: 2, totalFrames: 4410 * total, bitsPerSample: 16, lossless: true },
    async read(): Promise<PcmChunk | null> {
      const delay = delayMs(next);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (next >= total) return null;
      const frame = next++ * 4410;
      return { frame, channels: [new Float32Array(4410).fill(0.1), new Float32Array(4410).fill(0.1)] };
    },
    async seek(frame: number) {
      next = Math.floor(frame / 4410);
    },
    dispose() {},
  };
}

/** The engine in-process with the null and wav sinks (no child process, no device). */
describe('engine: LocalEngine with the wav and null sinks', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-engine-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('wav sink: writes exactly the decoded PCM of a 16-bit track, header fixed up', async () => {
    const source = path.join(dir, 'counter.wav');
    const frames = 44_100 * 3 + 17;
    writeWavS16(source, counterPcm(0, frames), 44_100, 2);
    const out = path.join(dir, 'out.wav');
    const engine = new LocalEngine({ sink: `wav:${out}`, pauseFadeMs: 0 });
    try {
      const ended = once(engine.onTrackEnded);
      const loaded = await engine.load({ id: 't1', uri: source }, { autoplay: true });
      assert.equal(loaded.format.sampleRate, 44_100);
      assert.deepEqual(await ended, { trackId: 't1' });
      assert.equal(engine.state, 'idle');
    } finally {
      engine.dispose();
    }
    const written = readWavS16(out);
    assert.equal(written.sampleRate, 44_100);
    assert.equal(written.channels, 2);
    assert.deepEqual(counterRuns(written.pcm).runs, [{ start: 0, end: frames }]);
  });

  it('wav sink: two tracks preloaded join without a gap (gapless)', async () => {
    const a = path.join(dir, 'a.wav');
    const b = path.join(dir, 'b.wav');
    writeWavS16(a, counterPcm(0, 50_000), 44_100, 2);
    writeWavS16(b, counterPcm(50_000, 70_001), 44_100, 2);
    const out = path.join(dir, 'gapless.wav');
    const engine = new LocalEngine({ sink: `wav:${out}`, pauseFadeMs: 0 });
    const started: string[] = [];
    engine.onTrackStarted((t) => started.push(t.track.id));
    try {
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'a', uri: a }, { autoplay: false });
      await engine.preloadNext({ id: 'b', uri: b });
      await engine.play();
      assert.deepEqual(await ended, { trackId: 'b' });
    } finally {
      engine.dispose();
    }
    assert.deepEqual(started, ['b']);
    const { runs, silentGapsInside } = counterRuns(readWavS16(out).pcm);
    assert.deepEqual(runs, [{ start: 0, end: 120_001 }]);
    assert.equal(silentGapsInside, 0);
  });

  it('plays each track at its TrackRef gain (ReplayGain): exact from the first sample, ramped at a gapless join', async () => {
    const level = (file: string, frames: number) => writeWavS16(file, new Int16Array(frames * 2).fill(16_000), 44_100, 2);
    const quiet = path.join(dir, 'rg-a.wav');
    const plain = path.join(dir, 'rg-b.wav');
    level(quiet, 30_000);
    level(plain, 30_000);
    const out = path.join(dir, 'replaygain.wav');
    const engine = new LocalEngine({ sink: `wav:${out}`, pauseFadeMs: 0 });
    try {
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'a', uri: quiet, gain: 0.5 }, { autoplay: false });
      await engine.preloadNext({ id: 'b', uri: plain });
      await engine.play();
      assert.deepEqual(await ended, { trackId: 'b' });
    } finally {
      engine.dispose();
    }
    const { pcm } = readWavS16(out);
    const left = (frame: number) => pcm[frame * 2]!;
    assert.equal(pcm.length, 60_000 * 2);
    for (let f = 0; f < 30_000; f++) assert.equal(left(f), 8000, `frame ${f} of the quiet track`);
    const ramp = 441; // 10 ms
    for (let f = 30_000; f < 30_000 + ramp; f++) {
      assert.ok(left(f) >= left(f - 1) && left(f) <= 16_000, `the join ramps up smoothly (frame ${f}: ${left(f)})`);
      assert.ok(left(f) - left(f - 1) <= 40, `no step at the join (frame ${f})`);
    }
    for (let f = 30_000 + ramp; f < 60_000; f++) assert.equal(left(f), 16_000, `frame ${f} of the plain track`);
  });

  it('volume and pause/resume ramp per sample: no step, no lost frame', async () => {
    // A DC signal at half scale: any click would be a jump between neighbouring samples.
    const frames = 44_100 * 2;
    const dc = new Int16Array(frames * 2).fill(16384);
    const source = path.join(dir, 'dc.wav');
    writeWavS16(source, dc, 44_100, 2);
    const out = path.join(dir, 'ramps.wav');
    const engine = new LocalEngine({ sink: `wav:${out}` }); // default 12 ms pause fade
    try {
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'dc', uri: source }, { autoplay: false });
      await engine.setVolume(0.25);
      await engine.play();
      await engine.pause();
      await new Promise((r) => setTimeout(r, 50));
      await engine.play();
      await ended;
    } finally {
      engine.dispose();
    }
    const { pcm } = readWavS16(out);
    assert.equal(pcm.length, frames * 2, 'every frame written once');
    let maxStep = 0;
    for (let i = 2; i < pcm.length; i += 2) maxStep = Math.max(maxStep, Math.abs(pcm[i]! - pcm[i - 2]!));
    // 16384 over a 12 ms (529-frame) fade is 31 per frame; a click would be thousands.
    assert.ok(maxStep <= 40, `largest step between frames: ${maxStep}`);
    assert.ok(pcm[0]! < 100, `starts from silence (fade-in), first sample ${pcm[0]}`);
    assert.equal(pcm[pcm.length - 2], 4096, 'ends at volume 0.25');
  });

  it('disposed while a track is opening or seeking: the decoder is freed and no output opened', async () => {
    for (const stage of ['open', 'seek'] as const) {
      let disposed = 0;
      const decoder = chunkDecoder(20, () => 0);
      const seek = decoder.seek.bind(decoder);
      const engine = new LocalEngine({
        sink: 'null',
        openDecoder: async () => {
          if (stage === 'open') await new Promise((r) => setTimeout(r, 50));
          return {
            ...decoder,
            read: decoder.read.bind(decoder),
            seek: async (frame: number) => {
              await new Promise((r) => setTimeout(r, 50));
              await seek(frame);
            },
            dispose: () => void disposed++,
          };
        },
      });
      const loading = engine.load({ id: stage, uri: `${stage}://` }, { autoplay: true, startMs: 1000 });
      await new Promise((r) => setTimeout(r, 20));
      engine.dispose();
      await assert.rejects(loading, /shut down while/);
      assert.equal(disposed, 1, `decoder disposed ${disposed} times (disposed during ${stage})`);
      assert.equal(engine.state, 'loading', 'no playback started');
      assert.equal(engine.sinkName, 'null', 'no output left open');
    }
  });

  it('a decoder that cannot keep up: starved, an underrun event, then playing again', async () => {
    // 2 s of audio in 100 ms chunks; the 6th read stalls for 600 ms (a slow network, say).
    const slowDecoder = chunkDecoder(20, (n) => (n === 5 ? 600 : 0));
    const engine = new LocalEngine({ sink: 'null', pipeSeconds: 0.1, openDecoder: async () => slowDecoder });
    const states: EngineState[] = [];
    const underruns: (string | undefined)[] = [];
    engine.onDidChangeState((s) => states.push(s));
    engine.onUnderrun((u) => underruns.push(u.trackId));
    try {
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'slow', uri: 'slow://' }, { autoplay: true });
      await ended;
    } finally {
      engine.dispose();
    }
    assert.deepEqual(underruns, ['slow']);
    const starved = states.indexOf('starved');
    assert.ok(starved > 0 && states[starved + 1] === 'playing', states.join(' → '));
    assert.equal(states[states.length - 1], 'idle');
  });

  it('starved, it reports buffering progress and resumes only with a cushion decoded ahead', async () => {
    // After 0.5 s of audio and a 1.2 s stall the decoder trickles a 100 ms chunk every 120 ms:
    // the engine waits for 1 s of audio (10 chunks) before it plays on, reporting how far it got.
    const trickle = chunkDecoder(30, (n) => (n === 5 ? 1200 : n > 5 && n < 20 ? 120 : 0));
    const engine = new LocalEngine({ sink: 'null', pipeSeconds: 2, openDecoder: async () => trickle });
    const events: string[] = [];
    const progress: number[] = [];
    engine.onDidChangeState((s) => events.push(s));
    engine.onBuffering((b) => {
      assert.equal(b.trackId, 'trickle');
      if (engine.state === 'starved') progress.push(b.progress);
      events.push(`${Math.round(b.progress * 100)}%`);
    });
    try {
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'trickle', uri: 'trickle://' }, { autoplay: true });
      await ended;
    } finally {
      engine.dispose();
    }
    const starved = events.indexOf('starved');
    const resumed = events.indexOf('playing', starved);
    assert.ok(starved > 0 && resumed > starved, events.join(' → '));
    const during = events.slice(starved + 1, resumed);
    assert.ok(during.length >= 4, `progress while buffering: ${events.join(' → ')}`);
    assert.deepEqual([...progress].sort((a, b) => a - b), progress, 'progress only grows');
    assert.ok(progress[0]! < 0.2 && progress.at(-1)! >= 0.6, events.join(' → '));
  });

  it('loading with autoplay over a paused track plays it; a bad file rejects with a clear error', async () => {
    const a = path.join(dir, 'paused-a.wav');
    const b = path.join(dir, 'short-b.wav');
    writeWavS16(a, counterPcm(0, 44_100), 44_100, 2);
    writeWavS16(b, counterPcm(0, 4410), 44_100, 2);
    const bad = path.join(dir, 'not-audio.mp3');
    fs.writeFileSync(bad, 'this is not audio at all, just text pretending to be an mp3');
    const engine = new LocalEngine({ sink: 'null' });
    const errors: string[] = [];
    engine.onError((e) => errors.push(e.kind));
    try {
      await engine.load({ id: 'a', uri: a }, { autoplay: false });
      await new Promise((r) => setTimeout(r, 100));
      const ended = once(engine.onTrackEnded);
      await engine.load({ id: 'b', uri: b }, { autoplay: true });
      assert.deepEqual(await ended, { trackId: 'b' });
      await assert.rejects(engine.load({ id: 'x', uri: bad }, { autoplay: true }), /not-audio\.mp3/);
      assert.equal(engine.state, 'idle');
      assert.deepEqual(errors, ['decode']);
    } finally {
      engine.dispose();
    }
  });

  it('outputRate: resamples to a fixed device rate, pitch and length kept, position in track time', async () => {
    const frames = 44_100;
    const sine = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) sine[i * 2] = sine[i * 2 + 1] = Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / 44_100));
    const source = path.join(dir, 'sine-1k.wav');
    writeWavS16(source, sine, 44_100, 2);
    const out = path.join(dir, 'resampled.wav');
    const engine = new LocalEngine({ sink: `wav:${out}`, outputRate: 48_000, pauseFadeMs: 0 });
    let lastMs = 0;
    engine.onPosition((r) => (lastMs = r.positionMs));
    try {
      const ended = once(engine.onTrackEnded);
      const loaded = await engine.load({ id: 'r', uri: source }, { autoplay: true });
      assert.equal(loaded.format.sampleRate, 44_100, 'the player is told the file format');
      await ended;
    } finally {
      engine.dispose();
    }
    const written = readWavS16(out);
    assert.equal(written.sampleRate, 48_000);
    const outFrames = written.pcm.length / 2;
    assert.ok(Math.abs(outFrames - 48_000) <= 2, `${outFrames} frames`);
    let crossings = 0;
    for (let i = 1; i < outFrames; i++) if ((written.pcm[(i - 1) * 2]! < 0) !== (written.pcm[i * 2]! < 0)) crossings++;
    assert.ok(Math.abs(crossings - 2000) <= 4, `${crossings} zero crossings in 1 s (1 kHz)`);
    assert.ok(Math.abs(lastMs - 1000) <= 1, `last position ${lastMs} ms`);
  });

  it('null sink: plays in real time and reports the position at least 10 times a second', async () => {
    const source = path.join(dir, 'one-second.wav');
    writeWavS16(source, counterPcm(0, 44_100), 44_100, 2);
    const engine = new LocalEngine({ sink: 'null' });
    const reports: { positionMs: number; at: number }[] = [];
    engine.onPosition((r) => reports.push({ positionMs: r.positionMs, at: r.at }));
    try {
      const ended = once(engine.onTrackEnded);
      const started = Date.now();
      await engine.load({ id: 'n', uri: source }, { autoplay: true });
      await ended;
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 900 && elapsed < 1600, `1 s of audio took ${elapsed} ms`);
    } finally {
      engine.dispose();
    }
    assert.ok(reports.length >= 9, `${reports.length} position reports`);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.positionMs >= reports[i - 1]!.positionMs, 'position never goes back');
    const last = reports[reports.length - 1]!;
    assert.ok(last.positionMs > 850, `last report ${last.positionMs} ms`);
  });

  it('null sink: pause holds the position; seek jumps there at once', async () => {
    const source = path.join(dir, 'five-seconds.wav');
    writeWavS16(source, counterPcm(0, 44_100 * 5), 44_100, 2);
    const engine = new LocalEngine({ sink: 'null' });
    let lastMs = 0;
    engine.onPosition((r) => (lastMs = r.positionMs));
    try {
      await engine.load({ id: 'p', uri: source }, { autoplay: true });
      await new Promise((r) => setTimeout(r, 400));
      await engine.pause();
      await new Promise((r) => setTimeout(r, 300));
      const paused = lastMs;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(lastMs, paused, 'position frozen while paused');
      assert.ok(paused > 250 && paused < 700, `paused at ${paused}`);
      await engine.seek(3000);
      await new Promise((r) => setTimeout(r, 120));
      assert.ok(Math.abs(lastMs - 3000) < 5, `after seek ${lastMs}`);
      assert.equal(engine.state, 'paused');
      await engine.play();
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(lastMs > 3300 && lastMs < 3700, `playing after seek ${lastMs}`);
    } finally {
      engine.dispose();
    }
  });
});
