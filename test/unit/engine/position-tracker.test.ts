import * as assert from 'node:assert/strict';
import { PositionTracker } from '../../../src/engine/position-tracker';

describe('engine: position tracker (device frames → track frames)', () => {
  const tracker = () => {
    const t = new PositionTracker();
    // Track 1 from frame 1000 (a seek), 3 writes of 100 frames, then track 2 gaplessly.
    t.append({ deviceStart: 0, frames: 100, sessionId: 1, trackFrame: 1000, silent: false });
    t.append({ deviceStart: 100, frames: 100, sessionId: 1, trackFrame: 1100, silent: false });
    t.append({ deviceStart: 200, frames: 100, sessionId: 1, trackFrame: 1200, silent: false });
    t.append({ deviceStart: 300, frames: 100, sessionId: 2, trackFrame: 0, silent: false });
    return t;
  };

  it('maps what the device consumed to the track and frame heard, across a gapless join', () => {
    const t = tracker();
    assert.deepEqual(t.heardAt(0), { sessionId: 1, trackFrame: 1000 });
    assert.deepEqual(t.heardAt(150), { sessionId: 1, trackFrame: 1150 });
    assert.deepEqual(t.heardAt(299), { sessionId: 1, trackFrame: 1299 });
    assert.deepEqual(t.heardAt(330), { sessionId: 2, trackFrame: 30 });
    // Past everything written: the end of the last write.
    assert.deepEqual(t.heardAt(900), { sessionId: 2, trackFrame: 100 });
  });

  it('never answers a frame behind the segments already heard (a count that went back)', () => {
    const t = tracker();
    assert.deepEqual(t.heardAt(250), { sessionId: 1, trackFrame: 1250 }); // drops the first two writes
    assert.deepEqual(t.heardAt(120), { sessionId: 1, trackFrame: 1200 }, 'held at the earliest write kept, not frame 0');
  });

  it('says nothing when nothing was written', () => {
    assert.equal(new PositionTracker().heardAt(0), undefined);
  });
});
