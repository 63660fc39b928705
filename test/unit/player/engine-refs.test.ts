import * as assert from 'node:assert/strict';
import { EngineRefs } from '../../../src/player/engine-refs';

const item = (id: string) => ({ id, track: { uri: `/m/${id}.flac` } });

describe('EngineRefs', () => {
  it('mints a fresh ref id for every load and preload, even of the same item', () => {
    const refs = new EngineRefs();
    const a = refs.load(item('q1'));
    const b = refs.setPreload(item('q1'))!;
    const c = refs.load(item('q1'));
    assert.equal(new Set([a.id, b.id, c.id]).size, 3);
    assert.ok(refs.isCurrent(c.id));
    assert.ok(!refs.isCurrent(a.id));
  });

  it('is confirmed only by the load that is still current', () => {
    const refs = new EngineRefs();
    const first = refs.load(item('q1'));
    const second = refs.load(item('q2'));
    assert.equal(refs.confirm(first), false);
    assert.equal(refs.hasCurrent, false);
    assert.equal(refs.confirm(second), true);
    assert.equal(refs.hasCurrent, true);
  });

  it('adopts the latest preload or one replaced too late, and nothing from before a load', () => {
    const refs = new EngineRefs();
    refs.confirm(refs.load(item('q1')));
    const replaced = refs.setPreload(item('q2'))!;
    refs.setPreload(item('q3'));
    assert.equal(refs.adoptStart(replaced), 'q2', 'the engine had already moved to the old preload');
    assert.ok(refs.isCurrent(replaced.id));
    assert.equal(refs.preloaded, undefined);

    const stale = refs.setPreload(item('q4'))!;
    refs.load(item('q5')); // the user picked another track: the q4 preload is history
    assert.equal(refs.adoptStart(stale), undefined);
  });

  it('forgets everything on clear', () => {
    const refs = new EngineRefs();
    refs.confirm(refs.load(item('q1')));
    const preload = refs.setPreload(item('q2'))!;
    refs.clear();
    assert.equal(refs.current, undefined);
    assert.equal(refs.hasCurrent, false);
    assert.equal(refs.adoptStart(preload), undefined);
  });
});
