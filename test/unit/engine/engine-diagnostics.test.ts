import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from '../../../src/base/event';
import type { Decoder, PcmChunk } from '../../../src/decode/types';
import { attachEngineTrace, engineLanes } from '../../../src/diagnostics/player-trace';
import { resources } from '../../../src/diagnostics/resource-tracker';
import { chromeTraceProblems, Trace } from '../../../src/diagnostics/trace';
import { EngineClient } from '../../../src/engine/client';
import { LocalEngine } from '../../../src/engine/local-engine';
import type { EngineTimings, TimingSpan } from '../../../src/engine/timings';
import { useEngineFixture } from '../../support/engine-fixture';

/**
 * The engine's own diagnostics: what the engine process answers over IPC (memory, uptime, its
 * tracked resources, decode speed), its heap snapshot, and the decode/output spans it sends
 * for the host's trace. Null sink: no sound card needed, output paced in real time.
 */

const RATE = 44_100;
const MB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('engine diagnostics over IPC (EngineClient and the real engine entry)', function () {
  this.timeout(60_000);
  const fixture = useEngineFixture('playhead-engine-diag-', 10, RATE);
  const newClient = () => (fixture.client = new EngineClient({ enginePath: fixture.bundle.enginePath, sink: 'null', pauseFadeMs: 0 }));

  it('answers diagnostics(): one live decoder while playing, none after stop; the host counts the child', async () => {
    const engine = newClient();
    const childrenBefore = resources.count('child-process', 'EngineClient');
    assert.equal(await engine.diagnostics(), undefined, 'not running: no answer');
    assert.equal(engine.pid, undefined, 'and asking did not start it');

    let heardMs = 0;
    engine.onPosition((report) => (heardMs = report.positionMs));
    const loadedAt = performance.now();
    await engine.load({ id: 't', uri: fixture.file }, { autoplay: true });
    assert.equal(resources.count('child-process', 'EngineClient'), childrenBefore + 1, 'the engine child counts in the host');
    // Once the output has played a little, the decoder has filled the pipe several times over.
    const playing = await until('a decode speed, 0.3 s played', async () => {
      const d = await engine.diagnostics();
      return d?.stats.decodeSpeed === undefined || heardMs < 300 ? undefined : d;
    });
    const wallSeconds = (performance.now() - loadedAt) / 1000;
    assert.equal(playing.pid, engine.pid);
    assert.equal(playing.resources.decoder, 1, JSON.stringify(playing.resources));
    assert.equal(playing.resources.stream, 1, 'the open output');
    assert.equal(playing.resources.interval, 1, 'the stats tick (position reports ride on the writes)');
    assert.ok((playing.resources.listener ?? 0) >= 9, 'main.ts forwards nine engine events: their subscriptions count');
    assert.equal(playing.resources['child-process'], 1, 'the orphan watcher');
    assert.ok(playing.uptimeSeconds > 0 && playing.uptimeSeconds < 60, `uptime ${playing.uptimeSeconds}`);
    const { memory } = playing;
    assert.ok(memory.heapUsed > MB && memory.heapUsed <= memory.heapTotal && memory.rss > memory.heapUsed, JSON.stringify(memory));
    assert.ok(memory.external > 0 && memory.arrayBuffers >= 0);
    // Decoded so far ≥ what was heard + what waits in the pipe, and at most all of the wall time
    // since the load was spent decoding: the speed cannot be below that ratio.
    const speed = playing.stats.decodeSpeed!;
    const floor = (heardMs / 1000 + playing.stats.pipeFrames / RATE) / wallSeconds;
    assert.ok(speed >= floor && speed > 1 && speed < 1e6, `decode speed ${speed.toFixed(1)}× (at least ${floor.toFixed(1)}×)`);

    await engine.stop();
    const stopped = (await engine.diagnostics())!;
    assert.equal(stopped.resources.decoder ?? 0, 0, JSON.stringify(stopped.resources));
    assert.equal(stopped.resources.stream ?? 0, 0);
    assert.equal(stopped.stats.decodeSpeed, undefined, 'nothing is being decoded');

    const exited = new Promise<void>((resolve) => {
      const pid = engine.pid!;
      const poll = setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    engine.dispose();
    fixture.client = undefined;
    await exited;
    await until('the child count to drop', async () => (resources.count('child-process', 'EngineClient') === childrenBefore ? true : undefined), 5_000);
  });

  it('writes a heap snapshot of the engine process (none when it is not running)', async () => {
    const engine = newClient();
    const target = path.join(fixture.dir, 'snapshots');
    assert.equal(await engine.heapSnapshot(target), undefined);
    assert.equal(engine.pid, undefined);
    await engine.start();
    const written = (await engine.heapSnapshot(target))!;
    assert.equal(path.dirname(written), target);
    assert.match(path.basename(written), new RegExp(`^playhead-engine-${engine.pid}-.*\\.heapsnapshot$`));
    const size = fs.statSync(written).size;
    assert.ok(size > 100_000, `${size} bytes`);
    const head = Buffer.alloc(16);
    const fd = fs.openSync(written, 'r');
    fs.readSync(fd, head, 0, 16, 0);
    fs.closeSync(fd);
    assert.match(head.toString('utf8'), /^\{"snapshot":/);
    await assert.rejects(engine.heapSnapshot('relative/dir'), /absolute path/);
  });

  it('a host blocked for longer than the hang timeout (its own heap snapshot) does not take the engine for hung', async () => {
    const engine = (fixture.client = new EngineClient({ enginePath: fixture.bundle.enginePath, sink: 'null', pauseFadeMs: 0, hangTimeoutMs: 1000 }));
    const restarts: unknown[] = [];
    engine.onDidRestart((r) => restarts.push(r));
    await engine.load({ id: 't', uri: fixture.file }, { autoplay: true });
    const pid = engine.pid;
    // What writing the host's heap snapshot does: V8 stops this thread; the engine's messages
    // wait unread in the pipe meanwhile.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_500);
    await sleep(1_500);
    assert.deepEqual(restarts, []);
    assert.equal(engine.pid, pid, 'the same engine process');
    assert.equal(engine.state, 'playing');
  });

  it('sends decode and output spans, batched about once a second, which trace onto the engine lanes', async () => {
    const engine = newClient();
    const trace = new Trace();
    const attached = attachEngineTrace(engine, trace);
    const batches: { at: number; timings: EngineTimings }[] = [];
    engine.onTimings((timings) => batches.push({ at: Date.now(), timings }));
    try {
      await engine.load({ id: 't', uri: fixture.file }, { autoplay: true });
      await until('three batches', async () => (batches.length >= 3 ? true : undefined));
    } finally {
      attached.dispose();
    }
    const spans = batches.flatMap((b) => b.timings.spans);
    const decode = spans.filter((s) => s.kind === 'decode');
    const output = spans.filter((s) => s.kind === 'output');
    assert.ok(decode.length > 0 && output.length > 0, `${decode.length} decode, ${output.length} output spans`);
    for (const batch of batches) {
      assert.ok(batch.timings.spans.length <= 64, 'bounded per batch');
      for (const span of batch.timings.spans) {
        // The engine's epoch clock agrees with ours, and a span ends before it is sent.
        assert.ok(span.startMs > batch.at - 10_000 && span.startMs + span.durationMs <= batch.at + 50, JSON.stringify(span));
        assert.ok(span.calls > 0 && span.frames > 0 && span.sampleRate === RATE, JSON.stringify(span));
        assert.ok(span.busyMs >= 0 && span.busyMs <= span.durationMs + 1e-6, JSON.stringify(span));
      }
    }
    // The first decode span fills the empty pipe (1.5 s at 48 kHz capacity) far faster than real time.
    const first = decode[0]!;
    assert.ok(first.frames >= RATE, `first fill ${first.frames} frames`);
    assert.ok(first.durationMs < (first.frames / RATE) * 1000, `${first.durationMs} ms for ${first.frames} frames`);
    // Output is paced by the clock: over the batches, frames written ≈ wall time, never far ahead.
    const written = sum(output, (s) => s.frames) / RATE;
    const outputWall = (last(output).startMs + last(output).durationMs - output[0]!.startMs) / 1000;
    assert.ok(written < outputWall + 0.5, `${written.toFixed(2)} s written in ${outputWall.toFixed(2)} s`);

    const json = trace.toChromeTrace();
    assert.deepEqual(chromeTraceProblems(json), []);
    const enginePid = process.pid + 1_000_000;
    const onLane = (tid: number, name: string) => json.traceEvents.filter((e) => e.pid === enginePid && e.tid === tid && e.ph === 'X' && e.name === name);
    assert.equal(onLane(engineLanes.decode, 'decode').length, decode.length);
    assert.equal(onLane(engineLanes.output, 'output').length, output.length);
    const traced = onLane(engineLanes.decode, 'decode')[0]!;
    assert.equal(traced.ts, first.startMs * 1000);
    assert.deepEqual(Object.keys(traced.args!).sort(), ['audioMs', 'busyMs', 'frames', 'reads', 'xRealTime']);
    assert.ok(json.traceEvents.some((e) => e.ph === 'C' && e.name === 'decode speed'), 'decode speed counter from the stats');
  });
});

function sum(spans: readonly TimingSpan[], of: (s: TimingSpan) => number): number {
  return spans.reduce((total, s) => total + of(s), 0);
}

function last<T>(items: readonly T[]): T {
  return items[items.length - 1]!;
}

describe('engine diagnostics in-process (LocalEngine)', function () {
  this.timeout(30_000);

  /** `chunks` reads of 0.1 s of audio, each taking `readMs` of wall time. */
  function pacedDecoder(readMs: number, chunks: number): Decoder {
    let next = 0;
    return {
      format: { codec: 'wav', sampleRate: RATE, channels: 2, totalFrames: 4410 * chunks, bitsPerSample: 16, lossless: true },
      async read(): Promise<PcmChunk | null> {
        if (next >= chunks) return null;
        const done = performance.now() + readMs;
        while (performance.now() < done) {
          // busy, like a decoder
        }
        const frame = next++ * 4410;
        return { frame, channels: [new Float32Array(4410), new Float32Array(4410)] };
      },
      async seek(frame: number) {
        next = Math.floor(frame / 4410);
      },
      dispose() {},
    };
  }

  it('measures decode speed as audio decoded per second spent in reads', async () => {
    // 0.1 s of audio per 10 ms read: 10× real time.
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0, openDecoder: async () => pacedDecoder(10, 100) });
    try {
      assert.equal(engine.stats().decodeSpeed, undefined, 'nothing loaded');
      await engine.load({ id: 'paced', uri: 'paced://' }, { autoplay: true });
      await once(engine.onStats);
      const speed = engine.stats().decodeSpeed!;
      // Never above 10× (each read takes at least its 10 ms); below only by what the machine
      // stole from the reads (a busy 2-core machine: up to about half).
      assert.ok(speed > 3 && speed <= 10.01, `decode speed ${speed}× for 10×`);
    } finally {
      engine.dispose();
    }
  });

  it('counts its decoders, output stream and timers in the process tracker', async () => {
    const before = resources.snapshot().byOwner.LocalEngine ?? {};
    const live = (kind: string) => (resources.snapshot().byOwner.LocalEngine?.[kind] ?? 0) - (before[kind] ?? 0);
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0, openDecoder: async () => pacedDecoder(0, 100) });
    try {
      assert.equal(live('interval'), 1, 'the stats tick');
      await engine.load({ id: 'a', uri: 'a://' }, { autoplay: true });
      await engine.preloadNext({ id: 'b', uri: 'b://' });
      assert.equal(live('decoder'), 2, 'the current and the preloaded track');
      assert.equal(live('stream'), 1);
      await engine.stop();
      assert.equal(live('decoder'), 0);
      assert.equal(live('stream'), 0);
    } finally {
      engine.dispose();
    }
    assert.equal(live('interval'), 0, 'its timers end with it');
  });
});
