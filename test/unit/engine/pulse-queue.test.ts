import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryStateStore, Player } from '../../../src/player';
import { readCapture, rms, toneShare } from '../../harness/capture-analysis';
import { usePulseEngine } from '../../support/pulse-engine';

/**
 * A three-track queue through the real Player and engine, naudiodon → ALSA → a private
 * PulseAudio (clocked, unlike the ALSA file device), recorded from the sink's monitor. The
 * first track once ended ~120 ms after play: at stream start the sound server took the first
 * writes at once and the position estimate raced past them.
 */

const media = path.resolve(__dirname, '../../fixtures/media');
const TRACKS = [
  { file: 'tone-flac16.flac', hz: 659.25, seconds: 1.5 },
  { file: 'tone-mp3-cbr.mp3', hz: 587.33, seconds: 2.04 },
  { file: 'tone-wav16.wav', hz: 440, seconds: 2 },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs of the dominant tone, 20 ms windows: [track index, seconds]. */
function toneRuns(samples: Int16Array): [number, number][] {
  const runs: [number, number][] = [];
  const total = samples.length / 2 / 44_100;
  for (let x = 0; x + 0.02 <= total; x += 0.02) {
    if (rms(samples, x, 0.02) < 0.005) continue;
    const shares = TRACKS.map((t) => toneShare(samples, x, 0.02, t.hz));
    const best = shares.indexOf(Math.max(...shares));
    if ((shares[best] ?? 0) < 0.5) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] === best) last[1] += 0.02;
    else runs.push([best, 0.02]);
  }
  return runs.filter(([, seconds]) => seconds > 0.05);
}

describe('engine: a queue through PulseAudio, heard', function () {
  this.timeout(60_000);
  const pulse = usePulseEngine('pulse-queue');

  it('plays each track for its duration, in order, and the player follows what is heard', async function () {
    // Real time on a shared 2-core machine: a run that lost the CPU gets one more chance.
    this.retries(1);
    const { capture, engine } = await pulse.start();
    const player = new Player({ engine, store: new MemoryStateStore() });
    const switches: { index: number; atMs: number }[] = [];
    const started = performance.now();
    let last = -2;
    const timer = setInterval(() => {
      const index = player.snapshot.queueIndex;
      if (index !== last) switches.push({ index: (last = index), atMs: performance.now() - started });
    }, 10);
    try {
      await player.replaceAndPlay(TRACKS.map((t) => ({ uri: path.join(media, t.file) })));
      await sleep(7_500);
    } finally {
      clearInterval(timer);
      player.dispose();
      engine.dispose();
    }
    await sleep(300);
    const runs = toneRuns(readCapture(capture.captureFile));
    const report = `heard ${JSON.stringify(runs.map(([i, s]) => [i, +s.toFixed(2)]))}, player ${JSON.stringify(switches)}`;
    assert.deepEqual(runs.map(([i]) => i), [0, 1, 2], report);
    // The bug left ~0.1 s of the first track. A loaded shared machine can make Pulse underrun
    // (a little silence inside a track), hence the margin below; the exact start of a stream
    // (silence priming) is checked sample-for-sample in naudiodon-position.test.ts.
    for (const i of [0, 1, 2]) {
      assert.ok(runs[i]![1] >= TRACKS[i]!.seconds - 0.35 && runs[i]![1] <= TRACKS[i]!.seconds + 0.2, `track ${i}: ${report}`);
    }
    const second = switches.find((s) => s.index === 1);
    const first = switches.find((s) => s.index === 0);
    assert.ok(first && second && second.atMs - first.atMs >= 1_100, `the player left the first track early: ${report}`);
  });
});
