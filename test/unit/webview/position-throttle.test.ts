import * as assert from 'node:assert/strict';
import { IDisposable } from '../../../src/base/lifecycle';
import { PositionThrottle, PositionUpdate } from '../../../src/vscode/panel/position-throttle';

/** A virtual clock with timers, so the throttle runs without waiting. */
class VirtualClock {
  now = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  setTimer = (fn: () => void, ms: number): IDisposable => {
    const timer = { at: this.now + ms, fn, live: true };
    this.timers.push(timer);
    return { dispose: () => (timer.live = false) };
  };

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.now = next.at;
      next.live = false;
      next.fn();
    }
    this.now = end;
    this.timers = this.timers.filter((t) => t.live);
  }
}

function setup() {
  const clock = new VirtualClock();
  const sent: { at: number; update: PositionUpdate }[] = [];
  const throttle = new PositionThrottle((update) => sent.push({ at: clock.now, update }), { now: () => clock.now, setTimer: clock.setTimer });
  /** Feeds `seconds` of playback at `rate` events per second from position `from`. */
  const play = (seconds: number, rate = 10, from = 0, playing = true) => {
    const step = 1000 / rate;
    for (let i = 0; i < seconds * rate; i++) {
      throttle.push({ positionMs: from + (playing ? i * step : 0), positionAt: clock.now, playing });
      clock.advance(step);
    }
  };
  return { clock, sent, throttle, play };
}

describe('position throttle (host → webview)', () => {
  it('sends at most 4 updates a second from 10 events a second', () => {
    const { sent, play } = setup();
    play(10);
    assert.ok(sent.length <= 4 * 10 + 1, `sent ${sent.length}`);
    assert.ok(sent.length >= 4 * 10 - 1, `sent ${sent.length}`);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.at - sent[i - 1]!.at >= 250);
  });

  it('sends the first update and play/pause changes at once', () => {
    const { clock, sent, throttle } = setup();
    throttle.push({ positionMs: 0, positionAt: 0, playing: true });
    clock.advance(50);
    throttle.push({ positionMs: 50, positionAt: 50, playing: false });
    assert.equal(sent.length, 2);
    assert.equal(sent[1]!.update.playing, false);
  });

  it('sends a jump (seek) at once', () => {
    const { clock, sent, throttle } = setup();
    throttle.push({ positionMs: 0, positionAt: 0, playing: true });
    clock.advance(100);
    throttle.push({ positionMs: 60_000, positionAt: 100, playing: true });
    assert.equal(sent.length, 2);
    assert.equal(sent[1]!.update.positionMs, 60_000);
  });

  it('delivers the latest held-back update when the interval ends', () => {
    const { clock, sent, throttle } = setup();
    throttle.push({ positionMs: 0, positionAt: 0, playing: true });
    clock.advance(100);
    throttle.push({ positionMs: 100, positionAt: 100, playing: true });
    clock.advance(100);
    throttle.push({ positionMs: 200, positionAt: 200, playing: true });
    assert.equal(sent.length, 1);
    clock.advance(100);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1], { at: 250, update: { positionMs: 200, positionAt: 200, playing: true } });
  });

  it('starts afresh after reset and stays silent after dispose', () => {
    const { clock, sent, throttle } = setup();
    throttle.push({ positionMs: 0, positionAt: 0, playing: true });
    clock.advance(10);
    throttle.reset();
    throttle.push({ positionMs: 10, positionAt: 10, playing: true });
    assert.equal(sent.length, 2);
    clock.advance(10);
    throttle.push({ positionMs: 20, positionAt: 20, playing: true });
    throttle.dispose();
    clock.advance(1000);
    throttle.push({ positionMs: 1020, positionAt: 1020, playing: false });
    assert.equal(sent.length, 2);
  });
});
