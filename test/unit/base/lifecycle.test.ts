import * as assert from 'node:assert/strict';
import { Disposable, DisposableStore, MutableDisposable, toDisposable } from '../../../src/base/lifecycle';
import { Emitter } from '../../../src/base/event';

describe('lifecycle', () => {
  it('disposes everything a store holds, once, even when one throws', () => {
    const store = new DisposableStore();
    const disposed: string[] = [];
    store.add(toDisposable(() => disposed.push('a')));
    store.add(toDisposable(() => {
      throw new Error('boom');
    }));
    store.add(toDisposable(() => disposed.push('c')));
    assert.throws(() => store.dispose(), /boom/);
    assert.deepEqual(disposed.sort(), ['a', 'c']);
    store.dispose();
    assert.deepEqual(disposed.sort(), ['a', 'c']);
  });

  it('disposes an item added after the store is gone', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    store.add(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('ties registered children to their owner', () => {
    class Owner extends Disposable {
      readonly emitter = this._register(new Emitter<number>());
    }
    const owner = new Owner();
    const seen: number[] = [];
    owner.emitter.event((n) => seen.push(n));
    owner.emitter.fire(1);
    owner.dispose();
    owner.emitter.fire(2);
    assert.deepEqual(seen, [1]);
    assert.equal(owner.emitter.listenerCount, 0);
  });

  it('MutableDisposable disposes the previous value on replace', () => {
    const slot = new MutableDisposable();
    const log: string[] = [];
    slot.value = toDisposable(() => log.push('first'));
    slot.value = toDisposable(() => log.push('second'));
    assert.deepEqual(log, ['first']);
    slot.dispose();
    assert.deepEqual(log, ['first', 'second']);
  });

  it('unsubscribing one listener leaves the others', () => {
    const emitter = new Emitter<string>();
    const seen: string[] = [];
    const a = emitter.event((v) => seen.push(`a${v}`));
    emitter.event((v) => seen.push(`b${v}`));
    emitter.fire('1');
    a.dispose();
    emitter.fire('2');
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
    assert.equal(emitter.listenerCount, 1);
  });
});
