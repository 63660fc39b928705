import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PositionReport } from '../../../src/engine/api';
import { captureSeconds, readCapture, rms } from '../../harness/capture-analysis';
import { writeStepTonesWav } from '../../harness/step-tones';
import { usePulseEngine } from '../../support/pulse-engine';

/**
 * The sound server hangs mid-track (SIGSTOP to PulseAudio) and comes back. The engine's
 * device write then waits for seconds, and so did its position reports: a view extrapolated
 * the playhead on, then snapped back; when the device came back the engine reported frame 0
 * of the track once. Reports must keep coming (10 a second) with the position held, the log
 * must say what happened, and playback must go on where it was.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALL_MS = 3000;

interface Seen {
  readonly atMs: number;
  readonly positionMs: number;
}

/** The longest wait for the next report after one in [fromMs, toMs), and how far the position moved there. */
function window(seen: readonly Seen[], fromMs: number, toMs: number): { maxGapMs: number; movedMs: number } {
  let maxGapMs = 0;
  for (let i = 0; i < seen.length; i++) {
    if (seen[i]!.atMs < fromMs || seen[i]!.atMs >= toMs) continue;
    maxGapMs = Math.max(maxGapMs, (seen[i + 1]?.atMs ?? toMs) - seen[i]!.atMs);
  }
  const inside = seen.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  const movedMs = inside.length > 0 ? inside[inside.length - 1]!.positionMs - inside[0]!.positionMs : 0;
  return { maxGapMs, movedMs };
}

describe('engine: the sound server hangs mid-track', function () {
  this.timeout(60_000);
  const pulse = usePulseEngine('pulse-stall');
  before(() => writeStepTonesWav(path.join(pulse.dir(), 'steps.wav'), 15));

  it('keeps reporting a held position, says so in the log, and plays on where it was', async function () {
    // Real time on a shared 2-core machine: a run that lost the CPU gets one more chance.
    this.retries(1);
    const logs: string[] = [];
    const { capture, engine } = await pulse.start({ log: (level, message) => logs.push(`${level}: ${message}`) });
    const seen: Seen[] = [];
    const started = performance.now();
    engine.onPosition((report: PositionReport) => seen.push({ atMs: performance.now() - started, positionMs: report.positionMs }));
    const marks = { stoppedAt: 0, resumedAt: 0, heardBeforeStall: 0 };
    try {
      await engine.load({ id: 'steps', uri: path.join(pulse.dir(), 'steps.wav') }, { autoplay: true });
      await sleep(2000);
      marks.heardBeforeStall = captureSeconds(capture.captureFile);
      marks.stoppedAt = performance.now() - started;
      process.kill(capture.serverPid, 'SIGSTOP');
      await sleep(STALL_MS);
      process.kill(capture.serverPid, 'SIGCONT');
      marks.resumedAt = performance.now() - started;
      await sleep(2000);
    } finally {
      process.kill(capture.serverPid, 'SIGCONT');
      engine.dispose();
    }
    const { stoppedAt, resumedAt, heardBeforeStall } = marks;
    const report = `reports ${seen.map((s) => `${s.atMs.toFixed(0)}:${s.positionMs.toFixed(0)}`).join(' ')}; log ${logs.filter((l) => !l.startsWith('debug')).join(' | ')}`;

    const backwards = seen.findIndex((s, i) => i > 0 && s.positionMs < seen[i - 1]!.positionMs);
    assert.equal(backwards, -1, `the position went back at report ${backwards}: ${report}`);
    // The device's start (~0.7 s through Pulse) and the stall: the output task waits on one
    // write all that time, and the reports still come 10 a second (in a stall, from the
    // engine's once-a-second tick that notices it on).
    const start = window(seen, 0, 1000);
    assert.ok(start.maxGapMs <= 250, `${start.maxGapMs} ms without a report while the device started: ${report}`);
    const stall = window(seen, stoppedAt + 1600, resumedAt);
    assert.ok(stall.maxGapMs <= 250, `${stall.maxGapMs} ms without a report during the stall: ${report}`);
    // Held: at most the queue ahead of the playhead (~0.3 s) is counted once the device stops.
    assert.ok(stall.movedMs <= 500, `the position moved ${stall.movedMs} ms while nothing played: ${report}`);
    assert.ok(logs.some((l) => /^warn: the output device has taken no audio for/.test(l)), `no warning in the log: ${report}`);
    assert.ok(logs.some((l) => /^info: the output device took audio again/.test(l)), `no recovery in the log: ${report}`);
    const after = window(seen, resumedAt + 500, resumedAt + 2000);
    assert.ok(after.movedMs >= 800, `the position moved only ${after.movedMs} ms in the 1.5 s after the stall: ${report}`);

    // Heard: the tone before the stall, silence during it, the tone again after.
    const samples = readCapture(capture.captureFile);
    const end = samples.length / 2 / 44_100;
    assert.ok(rms(samples, Math.max(0, heardBeforeStall - 0.5), 0.4) > 0.05, `silence before the stall: ${report}`);
    assert.ok(rms(samples, end - 1.2, 0.8) > 0.05, `silence after the stall: ${report}`);
  });

  it('answers stop while the sound server hangs, replaces the engine for a fresh PortAudio, and plays again once the server is back', async function () {
    this.retries(1);
    const logs: string[] = [];
    const { capture, engine } = await pulse.start({ log: (level, message) => logs.push(`${level}: ${message}`) });
    let positionMs = 0;
    engine.onPosition((report) => (positionMs = report.positionMs));
    const steps = { uri: path.join(pulse.dir(), 'steps.wav') };
    try {
      await engine.load({ id: 'first', ...steps }, { autoplay: true });
      await sleep(1500);
      await engine.pause();
      process.kill(capture.serverPid, 'SIGSTOP');
      await sleep(300);
      // naudiodon's quit waits for PortAudio's callback, which a hung server never runs: once,
      // stop (and every command queued behind it) waited as long as the server was gone.
      const stopStarted = performance.now();
      await engine.stop();
      const stopMs = performance.now() - stopStarted;
      assert.ok(stopMs < 3500, `stop took ${stopMs.toFixed(0)} ms while the sound server hung`);
      assert.ok(logs.some((l) => /^warn: the output device did not close within/.test(l)), logs.join(' | '));
      // A stream opened after one was left behind plays silence: the engine process is replaced,
      // and a load sent at once (as the player does after a stop) goes to the new one.
      process.kill(capture.serverPid, 'SIGCONT');
      const heardFrom = captureSeconds(capture.captureFile);
      await engine.load({ id: 'again', ...steps }, { autoplay: true, startMs: 5000 });
      assert.ok(logs.some((l) => /^warn: replacing the audio engine/.test(l)), logs.join(' | '));
      assert.ok(!logs.some((l) => /exited unexpectedly/.test(l)), `a replacement is not a crash: ${logs.join(' | ')}`);
      await sleep(2000);
      assert.ok(positionMs >= 5800, `the next load plays: at ${positionMs} ms`);
      const samples = readCapture(capture.captureFile);
      const end = samples.length / 2 / 44_100;
      assert.ok(end - heardFrom > 1 && rms(samples, end - 1, 0.8) > 0.05, `nothing heard after the server came back (captured ${(end - heardFrom).toFixed(2)} s since): ${logs.filter((l) => !l.startsWith('debug')).join(' | ')}`);
    } finally {
      process.kill(capture.serverPid, 'SIGCONT');
      engine.dispose();
    }
  });
});
