import * as assert from 'node:assert/strict';
import { ReadPacer } from '../../../src/library/read-pacer';

describe('library/read-pacer', () => {
  it('reads synchronously while the median file is fast; one slow file does not count', () => {
    const pacer = new ReadPacer({ slowFileMs: 0.5, window: 5 });
    assert.equal(pacer.useSync(), true);
    for (const ms of [0.05, 0.04, 30, 0.06]) pacer.recordSync(ms); // 30 ms: the thread was preempted
    assert.equal(pacer.synchronous, true);
    assert.equal(pacer.useSync(), true);
  });

  it('goes asynchronous when most recent files are slow, probing now and then, and comes back', () => {
    const pacer = new ReadPacer({ slowFileMs: 0.5, window: 3, probeEvery: 4 });
    for (const ms of [0.05, 2, 3]) pacer.recordSync(ms); // a folder that is not in memory
    assert.equal(pacer.synchronous, false);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(() => pacer.useSync()), [false, false, false, true, false, false, false, true]);
    pacer.recordSync(0.05);
    assert.equal(pacer.synchronous, false, 'one fast probe is not enough');
    pacer.recordSync(0.04);
    assert.equal(pacer.synchronous, true);
    assert.equal(pacer.useSync(), true);
  });

  it('never reads synchronously when asked not to', () => {
    const pacer = new ReadPacer({ asyncOnly: true, probeEvery: 1 });
    assert.deepEqual([1, 2, 3].map(() => pacer.useSync()), [false, false, false]);
    assert.equal(pacer.synchronous, false);
  });

  it('lets work run for a slice, then makes every caller wait for one turn of the event loop', async () => {
    assert.equal(new ReadPacer({ sliceMs: 60_000 }).pace(), undefined);
    const pacer = new ReadPacer({ sliceMs: 0 });
    let turned = false;
    setImmediate(() => (turned = true));
    const first = pacer.pace();
    assert.ok(first);
    assert.equal(pacer.pace(), first, 'callers in the same stretch share the turn');
    await first;
    assert.equal(turned, true, 'an immediate queued before the pause ran during it');
  });
});
