import * as assert from 'node:assert/strict';
import { anchorTime, positionAt, progressFraction } from '../../../webview/interpolate';

describe('webview position interpolation', () => {
  const anchor = { positionMs: 10_000, at: 1_000_000, playing: true };

  it('advances with the clock while playing', () => {
    assert.equal(positionAt(anchor, 1_000_000, 200_000), 10_000);
    assert.equal(positionAt(anchor, 1_000_250, 200_000), 10_250);
    assert.equal(positionAt(anchor, 1_001_000, 200_000), 11_000);
  });

  it('holds 1.5 s past the last update when updates stop, instead of running ahead of the audio', () => {
    assert.equal(positionAt(anchor, 1_001_500, 200_000), 11_500);
    assert.equal(positionAt(anchor, 1_003_000, 200_000), 11_500);
    assert.equal(positionAt(anchor, 1_060_000, 200_000), 11_500);
  });

  it('stands still while paused', () => {
    assert.equal(positionAt({ ...anchor, playing: false }, 1_005_000, 200_000), 10_000);
  });

  it('never runs past the end or before the start', () => {
    assert.equal(positionAt({ ...anchor, positionMs: 199_500 }, 1_001_000, 200_000), 200_000);
    assert.equal(positionAt(anchor, 999_000, 200_000), 10_000); // clock went backwards
    assert.equal(positionAt({ ...anchor, positionMs: -50 }, 1_000_000, 200_000), 0);
  });

  it('keeps going without a known duration', () => {
    assert.equal(positionAt(anchor, 1_001_000, undefined), 11_000);
  });

  it('trusts the host timestamp only when the clocks agree', () => {
    assert.equal(anchorTime(999_900, 1_000_000), 999_900); // 100 ms in transit
    assert.equal(anchorTime(900_000, 1_000_000), 1_000_000); // remote host, clock behind
    assert.equal(anchorTime(1_050_000, 1_000_000), 1_000_000); // remote host, clock ahead
  });

  it('computes the played fraction', () => {
    assert.equal(progressFraction(50, 200), 0.25);
    assert.equal(progressFraction(500, 200), 1);
    assert.equal(progressFraction(50, undefined), 0);
    assert.equal(progressFraction(50, 0), 0);
  });
});
