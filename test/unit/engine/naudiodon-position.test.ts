import * as assert from 'node:assert/strict';
import { NaudiodonBinding, NaudiodonStream } from '../../../src/engine/sinks/native-binding';
import { NaudiodonSink } from '../../../src/engine/sinks/naudiodon-sink';

/**
 * The naudiodon sink's position estimate at stream start, against a scripted device. Through
 * PulseAudio's ALSA plugin the first writes resolve at once (PortAudio prefills the server's
 * buffer), then the stream stalls while it really starts: nothing has been heard yet. The old
 * estimate took "written minus the native queue" as a floor and raced ahead here, so the
 * engine believed the first track was over while it had barely begun.
 */

const RATE = 44_100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A device that takes `prefill` writes at once, stalls `stallMs`, then one chunk per chunk time. */
function scriptedBinding(prefill: number, stallMs: number, chunkMs: number, received: Buffer[] = []): NaudiodonBinding {
  let writes = 0;
  const stream: NaudiodonStream = {
    start: () => undefined,
    async write(chunk: Buffer) {
      received.push(chunk);
      writes++;
      if (writes <= prefill) return undefined;
      await sleep(writes === prefill + 1 ? stallMs : chunkMs);
      return undefined;
    },
    quit: async () => undefined,
  };
  return {
    create: () => stream,
    getDevices: () => [{ id: 0, name: 'default', maxInputChannels: 0, maxOutputChannels: 2, defaultSampleRate: RATE, defaultLowOutputLatency: 0, defaultHighOutputLatency: 0 }],
  };
}

describe('engine: naudiodon position at stream start', function () {
  this.timeout(10_000);

  it('primes a starting sound server with silence, holds the position meanwhile, then counts its buffer as ahead', async () => {
    const prefill = 10;
    const received: Buffer[] = [];
    const sink = new NaudiodonSink(scriptedBinding(prefill, 300, 23, received), { sampleRate: RATE, channels: 2 }, { deviceName: undefined });
    const chunk = Buffer.alloc(sink.writeFrames * 4, 1);
    const first = sink.write(chunk);
    await sleep(100);
    // The device has accepted ~230 ms of priming but is still starting: nothing has been heard.
    assert.equal(sink.consumedFrames(), 0, 'position during the start-up stall');
    assert.equal(sink.writtenFrames, 0, 'priming is not counted as written');
    await first;
    assert.equal(sink.writtenFrames, sink.writeFrames);
    // What the device took before it ran (where a sound server loses audio) was silence.
    const firstAudio = received.findIndex((b) => b.some((v) => v !== 0));
    assert.ok(firstAudio > prefill, `first audio was write ${firstAudio}, the device ran from write ${prefill + 1}`);
    assert.ok(sink.consumedFrames() <= sink.writeFrames, `position right after the device started: ${sink.consumedFrames()} frames`);
    for (let i = 0; i < 12; i++) await sink.write(chunk);
    // Running: the prefilled buffer stays ahead of the playhead.
    const ahead = sink.writtenFrames - sink.consumedFrames();
    assert.ok(ahead >= (prefill - 1) * sink.writeFrames, `frames ahead of the playhead while running: ${ahead}`);
    await sink.close();
  });

  it('never moves the position back after the device stalled mid-play, and holds it while stalled', async () => {
    // Starts at once, takes a chunk per chunk time, then stops taking anything for 600 ms (a
    // sound server that hung) and goes on. During the stall the clock runs on to everything
    // written; the first write after it shows the device behind that, which must not pull the
    // position back (the engine once reported frame 0 of the track there).
    const chunkMs = 70;
    let writes = 0;
    const binding = scriptedBinding(0, 0, chunkMs);
    const stream = binding.create({ outOptions: {} as never });
    const write = stream.write.bind(stream);
    stream.write = async (chunk: Buffer) => {
      writes++;
      if (writes === 25) await sleep(600);
      return write(chunk);
    };
    binding.create = () => stream;
    const sink = new NaudiodonSink(binding, { sampleRate: RATE, channels: 2 }, { deviceName: undefined });
    const chunk = Buffer.alloc(sink.writeFrames * 4, 1);
    const seen: number[] = [];
    const sampler = setInterval(() => seen.push(sink.consumedFrames()), 5);
    try {
      for (let i = 0; i < 45; i++) await sink.write(chunk);
    } finally {
      clearInterval(sampler);
    }
    const backwards = seen.findIndex((value, i) => i > 0 && value < seen[i - 1]!);
    assert.equal(backwards, -1, `the position went back from ${seen[backwards - 1]} to ${seen[backwards]} frames`);
    assert.ok(Math.max(...seen) <= sink.writtenFrames, 'never past what was written');
    // It held during the stall: at most what was written before it, never the 600 ms of clock.
    const heldFrames = seen.filter((v, i) => i > 0 && v === seen[i - 1]).length * 5 * (RATE / 1000);
    assert.ok(heldFrames >= 0.3 * RATE, `the position held for only ${(heldFrames / RATE).toFixed(2)} s of a 0.6 s stall`);
    await sink.close();
  });

  it('still tracks a device faster than real time (a file) by what it took', async () => {
    const sink = new NaudiodonSink(scriptedBinding(Number.MAX_SAFE_INTEGER, 0, 0), { sampleRate: RATE, channels: 2 }, { deviceName: undefined });
    const chunk = Buffer.alloc(sink.writeFrames * 4);
    for (let i = 0; i < 300; i++) await sink.write(chunk); // ~7 s of audio in a few milliseconds
    const behind = sink.writtenFrames - sink.consumedFrames();
    assert.ok(behind <= 4 * sink.writeFrames, `position lags the file by ${behind} frames`);
    await sink.close();
  });
});
