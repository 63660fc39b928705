import * as assert from 'node:assert/strict';
import { SaveScheduler } from '../../../src/player/save-scheduler';
import { ManualTime, settle } from './fake-engine';

describe('SaveScheduler', () => {
  function setup() {
    const time = new ManualTime();
    const saves: string[][] = [];
    const scheduler = new SaveScheduler<'a' | 'b'>(time, time.now, async (keys) => {
      saves.push([...keys].sort());
    });
    return { time, saves, scheduler };
  }

  it('saves once per deadline with everything dirty by then', async () => {
    const { time, saves, scheduler } = setup();
    scheduler.markDirty('a', 5_000);
    time.advance(1_000);
    scheduler.markDirty('a', 5_000); // does not push the deadline back
    scheduler.markDirty('b', 5_000);
    time.advance(3_999);
    await settle();
    assert.deepEqual(saves, []);
    time.advance(1);
    await settle();
    assert.deepEqual(saves, [['a', 'b']]);
  });

  it('brings a deadline forward for an urgent change', async () => {
    const { time, saves, scheduler } = setup();
    scheduler.markDirty('a', 5_000);
    scheduler.markDirty('b', 100);
    time.advance(100);
    await settle();
    assert.deepEqual(saves, [['a', 'b']]);
    assert.equal(time.pendingCount, 0);
  });

  it('flush writes now; dispose cancels the timer', async () => {
    const { time, saves, scheduler } = setup();
    scheduler.markDirty('a', 5_000);
    await scheduler.flush();
    assert.deepEqual(saves, [['a']]);
    await scheduler.flush();
    assert.equal(saves.length, 1, 'nothing dirty, nothing written');
    scheduler.markDirty('b', 5_000);
    scheduler.dispose();
    assert.equal(time.pendingCount, 0);
    scheduler.markDirty('a', 0);
    assert.equal(time.pendingCount, 0);
  });
});
