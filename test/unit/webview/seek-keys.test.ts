import * as assert from 'node:assert/strict';
import { positionFromPointer, seekTargetForKey } from '../../../webview/seek-keys';

describe('webview seek keys and pointer', () => {
  const duration = 200_000;

  it('steps 5 s with arrows and 30 s with PageUp/PageDown', () => {
    assert.equal(seekTargetForKey('ArrowRight', 60_000, duration), 65_000);
    assert.equal(seekTargetForKey('ArrowUp', 60_000, duration), 65_000);
    assert.equal(seekTargetForKey('ArrowLeft', 60_000, duration), 55_000);
    assert.equal(seekTargetForKey('ArrowDown', 60_000, duration), 55_000);
    assert.equal(seekTargetForKey('PageUp', 60_000, duration), 90_000);
    assert.equal(seekTargetForKey('PageDown', 60_000, duration), 30_000);
  });

  it('jumps to the ends with Home and End, and clamps', () => {
    assert.equal(seekTargetForKey('Home', 60_000, duration), 0);
    assert.equal(seekTargetForKey('End', 60_000, duration), duration);
    assert.equal(seekTargetForKey('ArrowLeft', 2_000, duration), 0);
    assert.equal(seekTargetForKey('PageUp', 190_000, duration), duration);
  });

  it('ignores other keys, and End without a duration', () => {
    assert.equal(seekTargetForKey('a', 60_000, duration), undefined);
    assert.equal(seekTargetForKey('Enter', 60_000, duration), undefined);
    assert.equal(seekTargetForKey('End', 60_000, undefined), undefined);
  });

  it('maps a pointer to a position, clamped to the track', () => {
    assert.equal(positionFromPointer(150, 100, 200, duration), 50_000);
    assert.equal(positionFromPointer(50, 100, 200, duration), 0);
    assert.equal(positionFromPointer(400, 100, 200, duration), duration);
    assert.equal(positionFromPointer(150, 100, 0, duration), 0);
  });
});
