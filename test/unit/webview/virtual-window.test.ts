import * as assert from 'node:assert/strict';
import { computeWindow, dropIndex, rowAt, scrollToReveal } from '../../../webview/virtual-window';

describe('webview virtual window', () => {
  const base = { rowHeight: 24, viewportHeight: 240, count: 10_000, overscan: 5 };

  it('renders only the rows in view plus the overscan', () => {
    const top = computeWindow({ ...base, scrollTop: 0 });
    assert.deepEqual(top, { start: 0, end: 16, offset: 0, totalHeight: 240_000 });
    const middle = computeWindow({ ...base, scrollTop: 2_400 }); // row 100 at the top
    assert.equal(middle.start, 95);
    assert.equal(middle.end, 116);
    assert.equal(middle.offset, 95 * 24);
    assert.ok(middle.end - middle.start <= 240 / 24 + 1 + 2 * 5);
  });

  it('clamps scroll positions past either end', () => {
    const bottom = computeWindow({ ...base, scrollTop: 10_000_000 });
    assert.equal(bottom.end, 10_000);
    assert.equal(bottom.start, 10_000 - 10 - 5);
    assert.equal(computeWindow({ ...base, scrollTop: -100 }).start, 0);
  });

  it('handles empty and short lists', () => {
    assert.deepEqual(computeWindow({ ...base, count: 0, scrollTop: 0 }), { start: 0, end: 0, offset: 0, totalHeight: 0 });
    const short = computeWindow({ ...base, count: 3, scrollTop: 50 });
    assert.deepEqual([short.start, short.end, short.totalHeight], [0, 3, 72]);
  });

  it('scrolls as little as possible to reveal a row', () => {
    assert.equal(scrollToReveal(5, 0, 240, 24), 0); // already visible
    assert.equal(scrollToReveal(10, 0, 240, 24), 24); // just below: bottom-align
    assert.equal(scrollToReveal(2, 480, 240, 24), 48); // above: top-align
  });

  it('finds the row under a point', () => {
    assert.equal(rowAt(0, 24, 10), 0);
    assert.equal(rowAt(47, 24, 10), 1);
    assert.equal(rowAt(10_000, 24, 10), 9);
    assert.equal(rowAt(5, 24, 0), -1);
  });

  it('computes where a dragged row lands', () => {
    // Dragging row 2 of 10 down: dropping over the gap below row 5 puts it at index 5.
    assert.equal(dropIndex(2, 6 * 24, 24, 10), 5);
    // Dragging row 5 up to the gap above row 1.
    assert.equal(dropIndex(5, 1 * 24, 24, 10), 1);
    // Dropping in its own gaps leaves it where it is.
    assert.equal(dropIndex(3, 3 * 24, 24, 10), 3);
    assert.equal(dropIndex(3, 4 * 24, 24, 10), 3);
    // Past the ends.
    assert.equal(dropIndex(3, -100, 24, 10), 0);
    assert.equal(dropIndex(3, 10_000, 24, 10), 9);
  });
});
