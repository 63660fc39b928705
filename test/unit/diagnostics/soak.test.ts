import * as assert from 'node:assert/strict';
import { runSoak } from '../../../scripts/soak';

describe('Soak (scaled down)', () => {
  it('100 track changes, 1,000 seeks and 10 panel cycles leave every count where it started', async function () {
    this.timeout(120_000);
    const result = await runSoak({ trackChanges: 100, seeks: 1_000, panelCycles: 10 });
    assert.deepEqual(result.done, { ...result.done, trackChanges: 100, seeks: 1_000, panelCycles: 10 });
    assert.ok(result.done.messagesToPanels > 0, 'the panels received view messages');
    assert.deepEqual(result.countsEnd.tracked, result.countsStart.tracked);
    assert.equal(result.countsEnd.listeners, result.countsStart.listeners);
    assert.deepEqual(result.countsEnd.handles, result.countsStart.handles);
    assert.ok((result.countsStart.tracked.decoder ?? 0) > 0, 'the engine\'s decoders are counted while a track is loaded');
    assert.deepEqual(result.countsAfterDispose.tracked, result.countsBefore.tracked);
    assert.deepEqual(result.failures, []);
  });

  it('over IPC (the EngineClient and the engine child process): counts back, the child gone after dispose', async function () {
    this.timeout(120_000);
    const result = await runSoak({ trackChanges: 20, seeks: 200, panelCycles: 3, engine: 'process' });
    assert.equal(result.countsStart.handles.ProcessWrap, 1, 'the engine child is running during the soak');
    assert.deepEqual(result.countsEnd.handles, result.countsStart.handles);
    assert.equal(result.countsAfterDispose.handles.ProcessWrap, undefined, 'and gone after dispose');
    assert.equal(result.countsStart.tracked['child-process'], 1, 'the host counts the engine child');
    assert.equal(result.countsAfterDispose.tracked['child-process'], undefined);
    // The engine's own side, asked over IPC after a GC in the engine: a track loaded, counts back.
    const engine = result.engine!;
    assert.ok(engine, 'engine figures in process mode');
    assert.ok((engine.start.tracked.decoder ?? 0) >= 1, JSON.stringify(engine.start.tracked));
    assert.deepEqual(engine.end.tracked, engine.start.tracked);
    assert.ok(engine.start.heapUsed > 0);
    assert.deepEqual(result.failures, []);
  });

  it('catches a panel that never unsubscribes', async function () {
    this.timeout(60_000);
    const result = await runSoak({ trackChanges: 5, seeks: 50, panelCycles: 5, injectListenerLeak: true });
    assert.equal(result.countsEnd.listeners - result.countsStart.listeners, 5, 'one leaked listener per panel cycle');
    assert.ok(result.failures.some((f) => f.startsWith("listeners on the player's emitters")), result.failures.join('\n'));
  });
});
