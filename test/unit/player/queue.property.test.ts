import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdvanceKind, PlayOrder, RepeatMode } from '../../../src/player/play-order';
import { Queue } from '../../../src/player/queue';
import { seededRandom } from './helpers';

/**
 * Model-based tests of the queue and the play order: random edit sequences are applied to the
 * real Queue/PlayOrder and to a trivially correct model (a list of ids plus the current id),
 * and the invariants are checked after every step.
 */

type Op =
  | { kind: 'add'; count: number }
  | { kind: 'insertNext'; count: number }
  | { kind: 'remove'; picks: number[] }
  | { kind: 'move'; from: number; to: number }
  | { kind: 'clear' }
  | { kind: 'select'; pick: number }
  | { kind: 'advance'; how: AdvanceKind }
  | { kind: 'back' }
  | { kind: 'shuffle'; on: boolean }
  | { kind: 'repeat'; mode: RepeatMode };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), count: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insertNext' as const), count: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('select' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), how: fc.constantFrom<AdvanceKind>('auto', 'skip') }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'back' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), mode: fc.constantFrom<RepeatMode>('off', 'all', 'one') }) },
);

function trackFor(n: number) {
  return { uri: `/m/${n}.flac` };
}

class Model {
  ids: string[] = [];
  current: string | undefined;
}

function apply(op: Op, queue: Queue, order: PlayOrder, model: Model, counter: { n: number }): void {
  switch (op.kind) {
    case 'add': {
      const items = queue.add(Array.from({ length: op.count }, () => trackFor(counter.n++)));
      order.onAdded(items.map((i) => i.id));
      model.ids.push(...items.map((i) => i.id));
      break;
    }
    case 'insertNext': {
      const items = queue.insertNext(Array.from({ length: op.count }, () => trackFor(counter.n++)));
      order.onInsertedNext(items.map((i) => i.id));
      const at = model.current === undefined ? 0 : model.ids.indexOf(model.current) + 1;
      model.ids.splice(at, 0, ...items.map((i) => i.id));
      break;
    }
    case 'remove': {
      if (model.ids.length === 0) {
        return;
      }
      const indices = op.picks.map((p) => p % model.ids.length);
      const ids = new Set(indices.map((i) => model.ids[i]!));
      const { removedCurrent } = queue.remove(indices);
      order.onRemoved(ids);
      assert.equal(removedCurrent, model.current !== undefined && ids.has(model.current));
      model.ids = model.ids.filter((id) => !ids.has(id));
      if (removedCurrent) {
        model.current = undefined;
      }
      break;
    }
    case 'move': {
      if (model.ids.length === 0) {
        assert.equal(queue.move(op.from, op.to), false);
        return;
      }
      const from = op.from % model.ids.length;
      const to = op.to % model.ids.length;
      assert.equal(queue.move(from, to), true);
      const [id] = model.ids.splice(from, 1);
      model.ids.splice(to, 0, id!);
      break;
    }
    case 'clear':
      queue.clear();
      order.onCleared();
      model.ids = [];
      model.current = undefined;
      break;
    case 'select': {
      if (model.ids.length === 0) {
        return;
      }
      const id = model.ids[op.pick % model.ids.length]!;
      assert.equal(order.moveTo(id, 'jump'), true);
      model.current = id;
      break;
    }
    case 'advance': {
      const next = order.following(op.how);
      if (next !== undefined) {
        assert.ok(model.ids.includes(next), 'following names a queued item');
        order.moveTo(next, 'forward');
        model.current = next;
      }
      break;
    }
    case 'back': {
      const previous = order.preceding();
      if (previous !== undefined) {
        assert.ok(model.ids.includes(previous));
        order.moveTo(previous, 'back');
        model.current = previous;
      }
      break;
    }
    case 'shuffle':
      if (op.on !== order.shuffle) {
        order.setShuffle(op.on);
      }
      break;
    case 'repeat':
      order.repeat = op.mode;
      break;
  }
}

function checkInvariants(queue: Queue, order: PlayOrder, model: Model): void {
  // The index is valid or -1, and at most one item is current: the one the model says.
  const index = queue.currentIndex;
  assert.ok(index === -1 || (index >= 0 && index < queue.length), `index ${index} of ${queue.length}`);
  assert.deepEqual(queue.ids(), model.ids);
  assert.equal(queue.currentItem?.id, model.current);
  assert.equal(new Set(queue.ids()).size, queue.length, 'ids are unique');
  if (order.shuffle) {
    const cycle = order.shuffleOrder.cycle;
    assert.deepEqual([...cycle].sort(), [...model.ids].sort(), 'the shuffle cycle is a permutation of the queue');
    if (model.current !== undefined) {
      assert.equal(order.shuffleOrder.currentId, model.current, 'the cycle position is the current item');
    }
  }
}

describe('Queue and play order (property-based)', () => {
  it('keep the current index right and the shuffle cycle a permutation through any edits', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer(), (ops, seed) => {
        const queue = new Queue();
        const order = new PlayOrder(queue, seededRandom(seed));
        const model = new Model();
        const counter = { n: 0 };
        for (const op of ops) {
          apply(op, queue, order, model, counter);
          checkInvariants(queue, order, model);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('shuffle plays every track exactly once per cycle, after any edits', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), fc.integer(), fc.integer({ min: 1, max: 3 }), (ops, seed, cycles) => {
        const queue = new Queue();
        const order = new PlayOrder(queue, seededRandom(seed));
        const model = new Model();
        const counter = { n: 0 };
        for (const op of ops) {
          apply(op, queue, order, model, counter);
        }
        if (queue.length === 0) {
          return;
        }
        order.setShuffle(true);
        order.repeat = 'all';
        if (queue.currentIndex < 0) {
          order.moveTo(order.following('skip')!, 'forward');
        }
        // Finish the current cycle: the rest of it is exactly what has not been played yet.
        const played = new Set(order.shuffleOrder.cycle.slice(0, order.shuffleOrder.cyclePosition + 1));
        const unplayed = queue.ids().filter((id) => !played.has(id));
        const rest: string[] = [];
        for (let i = 0; i < unplayed.length; i++) {
          const next = order.following('auto')!;
          order.moveTo(next, 'forward');
          rest.push(next);
        }
        assert.deepEqual([...rest].sort(), [...unplayed].sort());
        // Then whole cycles: each a permutation of the queue, no track twice at the seams.
        let last = queue.currentItem!.id;
        for (let c = 0; c < cycles; c++) {
          const cycle: string[] = [];
          for (let i = 0; i < queue.length; i++) {
            const next = order.following('auto')!;
            if (queue.length > 1) {
              assert.notEqual(next, last, 'never the same track twice in a row');
            }
            order.moveTo(next, 'forward');
            cycle.push(next);
            last = next;
          }
          assert.deepEqual([...cycle].sort(), queue.ids().sort());
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('without shuffle, play order is queue order; repeat all wraps, off ends, one repeats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), (length, start) => {
        const queue = new Queue();
        const order = new PlayOrder(queue);
        const ids = queue.add(Array.from({ length }, (_, i) => trackFor(i))).map((i) => i.id);
        const from = start % length;
        order.moveTo(ids[from]!, 'jump');
        order.repeat = 'off';
        assert.equal(order.following('auto'), ids[from + 1]);
        order.repeat = 'all';
        assert.equal(order.following('auto'), ids[(from + 1) % length]);
        assert.equal(order.preceding(), from > 0 ? ids[from - 1] : length > 1 ? ids[length - 1] : undefined);
        order.repeat = 'one';
        assert.equal(order.following('auto'), ids[from]);
        assert.equal(order.following('skip'), ids[from + 1]);
      }),
      { numRuns: 500 },
    );
  });
});
