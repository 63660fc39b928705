import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GainRamp, ProductGain, interleaveS16 } from '../../../src/engine/pcm-convert';
import { PcmPipe } from '../../../src/engine/pcm-pipe';
import { engineArgv, parseCommand, parseEngineArgv, parseEngineMessage, parseRequest } from '../../../src/engine/protocol';

const repo = path.resolve(__dirname, '../../..');

describe('engine: protocol validation', () => {
  it('accepts well-formed commands and rejects malformed ones with a reason', () => {
    assert.deepEqual(parseRequest({ kind: 'request', id: 3, command: { type: 'seek', positionMs: 1500 } }), {
      kind: 'request',
      id: 3,
      command: { type: 'seek', positionMs: 1500 },
    });
    assert.equal(typeof parseCommand({ type: 'seek', positionMs: -1 }), 'string');
    assert.equal(typeof parseCommand({ type: 'setVolume', volume: 2 }), 'string');
    assert.equal(typeof parseCommand({ type: 'load', track: { id: 'a' }, autoplay: true }), 'string');
    assert.equal(typeof parseCommand({ type: 'rm -rf' }), 'string');
    assert.equal(typeof parseRequest({ kind: 'request', command: { type: 'play' } }), 'string');
    assert.deepEqual(parseCommand({ type: 'preloadNext' }), { type: 'preloadNext', track: undefined });
  });

  it('validates engine events and replies', () => {
    const ok = parseEngineMessage({ kind: 'event', event: { type: 'position', report: { trackId: 't', positionMs: 10, at: 1, playing: true } } });
    assert.notEqual(typeof ok, 'string');
    assert.equal(typeof parseEngineMessage({ kind: 'event', event: { type: 'position', report: { trackId: 't' } } }), 'string');
    assert.equal(typeof parseEngineMessage({ kind: 'event', event: { type: 'state', state: 'dancing' } }), 'string');
    const buffering = { kind: 'event', event: { type: 'buffering', trackId: 't', progress: 0.4 } };
    assert.deepEqual(parseEngineMessage(buffering), buffering);
    assert.equal(typeof parseEngineMessage({ kind: 'event', event: { type: 'buffering', trackId: 't', progress: 1.5 } }), 'string');
    assert.equal(typeof parseEngineMessage({ kind: 'event', event: { type: 'streamTitle', trackId: 't' } }), 'string');
    assert.deepEqual(parseEngineMessage({ kind: 'reply', id: 1, ok: false, error: 'no' }), { kind: 'reply', id: 1, ok: false, error: 'no' });
  });

  it('diagnostics commands: heapSnapshot only into an absolute folder, diagnostics with an optional gc', () => {
    assert.deepEqual(parseCommand({ type: 'heapSnapshot', dir: '/tmp/snaps' }), { type: 'heapSnapshot', dir: '/tmp/snaps' });
    assert.match(String(parseCommand({ type: 'heapSnapshot', dir: 'snaps' })), /absolute/);
    assert.equal(typeof parseCommand({ type: 'heapSnapshot' }), 'string');
    assert.deepEqual(parseCommand({ type: 'diagnostics' }), { type: 'diagnostics' });
    assert.deepEqual(parseCommand({ type: 'diagnostics', gc: true }), { type: 'diagnostics', gc: true });
    assert.deepEqual(parseCommand({ type: 'diagnostics', gc: false }), { type: 'diagnostics' });
    assert.equal(typeof parseCommand({ type: 'diagnostics', gc: 'yes' }), 'string');
  });

  it('validates timing batches and the decode speed in stats', () => {
    const span = { kind: 'decode', startMs: 1.7e12, durationMs: 5, calls: 3, frames: 12_288, sampleRate: 44_100, busyMs: 4.5 };
    const stats = { rssBytes: 1, heapUsedBytes: 1, cpuUserMicros: 0, cpuSystemMicros: 0, pipeFrames: 0, underruns: 0, sink: 'null', firstPcmLatencyMs: undefined };
    const timings = (spans: unknown[]) => parseEngineMessage({ kind: 'event', event: { type: 'stats', stats, timings: { spans, dropped: 0 } } });
    assert.notEqual(typeof timings([span, { ...span, kind: 'output' }]), 'string');
    assert.equal(typeof timings([{ ...span, kind: 'seek' }]), 'string');
    assert.equal(typeof timings([{ ...span, frames: 'many' }]), 'string');
    assert.equal(typeof timings(Array.from({ length: 1001 }, () => span)), 'string', 'a flood is refused');
    assert.notEqual(typeof parseEngineMessage({ kind: 'event', event: { type: 'stats', stats: { ...stats, decodeSpeed: 250 } } }), 'string');
    assert.equal(typeof parseEngineMessage({ kind: 'event', event: { type: 'stats', stats: { ...stats, decodeSpeed: 'fast' } } }), 'string');
  });

  it('round-trips the engine command line', () => {
    const options = { sink: 'wav:/tmp/a b.wav', device: 'USB Audio', pauseFadeMs: 0, releaseDeviceAfterPauseMs: 500 };
    assert.deepEqual(parseEngineArgv(engineArgv(options)), options);
  });
});

describe('engine: bounded PCM pipe', () => {
  const piece = (frames: number, frame = 0) => ({ type: 'pcm' as const, sessionId: 1, frame, channels: [new Float32Array(frames)] });

  it('makes the producer wait when full and releases it on flush', async () => {
    const pipe = new PcmPipe(1000);
    const generation = pipe.generation;
    assert.equal(await pipe.push(piece(800), generation), true);
    assert.equal(await pipe.push(piece(800), generation), true); // over capacity by one push at most
    let third: boolean | undefined;
    const pending = pipe.push(piece(800), generation).then((r) => (third = r));
    await new Promise((r) => setImmediate(r));
    assert.equal(third, undefined, 'blocked while full');
    assert.equal(pipe.queuedFrames, 1600);
    pipe.flush();
    await pending;
    assert.equal(third, false, 'a flushed producer is told to stop');
    assert.equal(pipe.queuedFrames, 0);
  });

  it('splits pieces on take and frees space', async () => {
    const pipe = new PcmPipe(1000);
    await pipe.push(piece(1500, 100), pipe.generation);
    const first = pipe.take(600);
    assert.ok(first && first.type === 'pcm');
    assert.equal(first.frame, 100);
    assert.equal(first.channels[0]!.length, 600);
    const rest = pipe.take(10_000);
    assert.ok(rest && rest.type === 'pcm');
    assert.equal(rest.frame, 700);
    assert.equal(rest.channels[0]!.length, 900);
    assert.equal(pipe.isEmpty, true);
  });

  it('copies borrowed chunks into blocks it recycles once taken or flushed', async () => {
    const pipe = new PcmPipe(10_000);
    const borrowed = new Float32Array(1152).fill(0.5);
    await pipe.push({ type: 'pcm', sessionId: 1, frame: 0, channels: [borrowed] }, pipe.generation);
    borrowed.fill(-1); // the decoder reuses its buffer for the next chunk
    const first = pipe.take(10_000);
    assert.ok(first && first.type === 'pcm');
    assert.equal(first.channels[0]![0], 0.5, 'the pipe kept its own copy');
    const firstBuffer = first.channels[0]!.buffer;
    await pipe.push({ type: 'pcm', sessionId: 1, frame: 1152, channels: [borrowed] }, pipe.generation);
    const second = pipe.take(10_000);
    assert.ok(second && second.type === 'pcm');
    assert.notEqual(second.channels[0]!.buffer, firstBuffer, 'not recycled while the taker may still read it');
    await pipe.push({ type: 'pcm', sessionId: 1, frame: 2304, channels: [borrowed] }, pipe.generation);
    pipe.take(0);
    const third = pipe.take(10_000);
    assert.ok(third && third.type === 'pcm');
    assert.equal(third.channels[0]!.buffer, firstBuffer, 'recycled after the next take');
    assert.equal(third.frame, 2304);
    assert.equal(third.channels[0]![0], -1);
    const queued = third.channels[0]!.buffer;
    await pipe.push({ type: 'pcm', sessionId: 1, frame: 3456, channels: [borrowed] }, pipe.generation);
    pipe.flush();
    await pipe.push({ type: 'pcm', sessionId: 2, frame: 0, channels: [borrowed] }, pipe.generation);
    const afterFlush = pipe.take(10_000);
    assert.ok(afterFlush && afterFlush.type === 'pcm');
    assert.ok([queued, second.channels[0]!.buffer].includes(afterFlush.channels[0]!.buffer), 'a flush frees what it drops');
  });
});

describe('engine: gain ramps and conversion', () => {
  it('converts 16-bit-exact floats back bit-exactly at unity gain', () => {
    const values = [-32768, -1, 0, 1, 12345, 32767];
    const left = Float32Array.from(values, (v) => v / 32768);
    const pcm = interleaveS16([left, left], 2, new GainRamp(1, 0));
    const out = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    assert.deepEqual([...out].filter((_, i) => i % 2 === 0), values);
  });

  it('ramps volume per sample without a step larger than the ramp slope (no click)', () => {
    const volume = new GainRamp(1, 0);
    const fade = new GainRamp(1, 0);
    volume.rampTo(0, 441); // 10 ms at 44.1 kHz
    const ones = new Float32Array(1000).fill(0.5);
    const pcm = interleaveS16([ones], 1, new ProductGain(volume, fade));
    const out = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    let maxStep = 0;
    for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i]! - out[i - 1]!));
    assert.ok(maxStep <= 40, `largest step ${maxStep}`);
    assert.equal(out[0], 16384);
    assert.equal(out[out.length - 1], 0);
  });
});

describe('engine: packaging (scripts/copy-native.mjs)', () => {
  it('copies the binding with an $ORIGIN rpath that loads from anywhere', function () {
    this.timeout(20_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-native-'));
    try {
      execFileSync(process.execPath, [path.join(repo, 'scripts/copy-native.mjs'), '--out', out], { stdio: 'pipe' });
      const moved = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-relocated-'));
      for (const name of fs.readdirSync(out)) fs.copyFileSync(path.join(out, name), path.join(moved, name));
      // Loaded through the engine's own loader in a fresh process, from the relocated copy.
      const script = `const { loadNaudiodon } = require(${JSON.stringify(path.join(repo, 'src/engine/sinks/native-binding.ts'))}); const r = loadNaudiodon(); console.log(JSON.stringify({ ok: r.ok, path: r.ok ? r.path : r.message }));`;
      const result = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: repo,
        env: { ...process.env, PLAYHEAD_NATIVE_DIR: moved },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      assert.deepEqual(JSON.parse(result.trim().split('\n').pop()!), { ok: true, path: path.join(moved, 'naudiodon.node') });
      fs.rmSync(moved, { recursive: true, force: true });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
