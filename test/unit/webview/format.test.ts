import * as assert from 'node:assert/strict';
import { describeTime, formatRemaining, formatTime } from '../../../webview/format';

describe('webview time formatting', () => {
  it('formats minutes and hours', () => {
    assert.equal(formatTime(0), '0:00');
    assert.equal(formatTime(7_999), '0:07');
    assert.equal(formatTime(205_000), '3:25');
    assert.equal(formatTime(3_723_000), '1:02:03');
  });

  it('shows nonsense as 0:00', () => {
    for (const bad of [undefined, -5, NaN, Infinity]) assert.equal(formatTime(bad), '0:00');
  });

  it('makes elapsed + remaining add up to the duration', () => {
    assert.equal(formatRemaining(83_400, 215_000), '-2:12');
    assert.equal(formatTime(83_400), '1:23');
    assert.equal(formatRemaining(0, 215_000), '-3:35');
    assert.equal(formatRemaining(300_000, 215_000), '-0:00');
  });

  it('shows an unknown duration as --:--', () => {
    assert.equal(formatRemaining(1000, undefined), '--:--');
    assert.equal(formatRemaining(1000, 0), '--:--');
  });

  it('describes a time in words for screen readers', () => {
    assert.equal(describeTime(65_000), '1 minute 5 seconds');
    assert.equal(describeTime(0), '0 seconds');
    assert.equal(describeTime(3_600_000), '1 hour');
    assert.equal(describeTime(7_322_000), '2 hours 2 minutes 2 seconds');
  });
});
