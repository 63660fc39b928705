import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';
import { EngineBundle, buildEngineBundle } from '../../support/engine-bundle';
import { counterPcm, writeWavS16 } from '../../support/pcm-signals';

/**
 * The engine process's life as the host sees it: it starts at the first command that needs
 * it (not when the player sets the volume at VS Code's start), it gets the sound-server
 * latency defaults, and Ctrl-C in a terminal (SIGINT to the whole process group) leaves it to
 * its parent instead of killing it into a crash restart.
 */

const RATE = 44_100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('engine client: process lifecycle', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  let bundle: EngineBundle;
  let client: EngineClient | undefined;

  before(() => {
    bundle = buildEngineBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-lifecycle-'));
    file = path.join(dir, 'counter.wav');
    writeWavS16(file, counterPcm(0, RATE), RATE, 2);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    bundle.dispose();
  });
  afterEach(() => {
    client?.dispose();
    client = undefined;
  });

  it('does not start the engine for volume, no next track, pause or stop; applies the volume when it starts', async () => {
    const out = path.join(dir, 'volume.wav');
    const engine = (client = new EngineClient({ enginePath: bundle.enginePath, sink: `wav:${out}`, pauseFadeMs: 0 }));
    await engine.setVolume(0.5);
    await engine.preloadNext(undefined);
    await engine.pause();
    await engine.stop();
    await engine.setDevice(undefined);
    assert.equal(engine.pid, undefined, 'no engine process yet');
    const ended = new Promise<void>((resolve) => engine.onTrackEnded(() => resolve()));
    await engine.load({ id: 'c', uri: file }, { autoplay: true });
    assert.ok(engine.pid, 'the first load starts the engine');
    await ended;
    engine.dispose();
    await sleep(200);
    // The counter's samples are far from 0: at half volume every one is about half.
    const source = counterPcm(0, RATE);
    const played = new Int16Array(fs.readFileSync(out).buffer.slice(44));
    const i = source.findIndex((v, k) => k > RATE && Math.abs(v) > 1000); // past the volume ramp
    assert.ok(i >= 0 && Math.abs(played[i]! / source[i]! - 0.5) < 0.05, `sample ${i}: ${played[i]} for ${source[i]} (volume 0.5)`);
  });

  it('gives the engine the sound-server latency defaults; the environment wins', async () => {
    const saved = process.env.PULSE_LATENCY_MSEC;
    process.env.PULSE_LATENCY_MSEC = '200';
    try {
      const engine = (client = new EngineClient({ enginePath: bundle.enginePath, sink: 'null' }));
      await engine.start();
      const environ = fs.readFileSync(`/proc/${engine.pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('PULSE_LATENCY_MSEC=200'), 'the user value wins');
      assert.ok(environ.includes('PIPEWIRE_LATENCY=5292/44100') || process.env.PIPEWIRE_LATENCY !== undefined, 'PipeWire default');
    } finally {
      if (saved === undefined) delete process.env.PULSE_LATENCY_MSEC;
      else process.env.PULSE_LATENCY_MSEC = saved;
    }
  });

  it('an engine given SIGINT (Ctrl-C in a terminal) keeps running: its parent decides', async () => {
    const engine = (client = new EngineClient({ enginePath: bundle.enginePath, sink: 'null' }));
    const restarts: unknown[] = [];
    engine.onDidRestart((r) => restarts.push(r));
    await engine.load({ id: 'c', uri: file }, { autoplay: true });
    const pid = engine.pid!;
    process.kill(pid, 'SIGINT');
    await sleep(500);
    assert.ok(alive(pid), 'the engine survived SIGINT');
    assert.equal(engine.pid, pid, 'same process');
    assert.deepEqual(restarts, []);
    engine.dispose();
    await sleep(500);
    assert.ok(!alive(pid), 'and exits when its parent lets it go');
  });
});
